// Source of pkg/node.cjs (the Node entry, CommonJS), bundled by `npm run build`. It is not
// loaded from here: __dirname below is pkg/, where the bundle lives beside the wasm.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { defineKeyClient } from "./client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";

const exports = glue.initSync({ module: readFileSync(join(__dirname, "web", "keyvault_keys_wasm_bg.wasm")) });

export const KeyClient = defineKeyClient({ glue, exports }, nodeSocketClient);
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
