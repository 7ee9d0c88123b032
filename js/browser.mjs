// The browser entry of the root KeyClient.
import { defineKeyClient } from "./client.mjs";
import { wasm } from "./wasm-browser.mjs";

export const KeyClient = defineKeyClient(wasm);
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
