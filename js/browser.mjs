// The browser entry: a plain ES module that loads the wasm beside the generated glue.
// Works without a bundler, and in Vite (which emits the .wasm as an asset).
import init, * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { defineKeyClient } from "./client.mjs";

const exports = await init();

export const KeyClient = defineKeyClient({ glue, exports });
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
