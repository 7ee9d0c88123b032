// The root entry for apps bundled for Node by esbuild or webpack (the `module` condition under
// `node`): js/browser.mjs with that environment's wasm loading.
import { defineKeyClient } from "./client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { wasm } from "./wasm-node-bundler.mjs";

export const KeyClient = defineKeyClient(wasm, nodeSocketClient);
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
