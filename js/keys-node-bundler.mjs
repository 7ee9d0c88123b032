// keyvault-keys-wasm/keys for apps bundled for Node by esbuild or webpack (the `module` condition
// under `node`): js/keys-browser.mjs with that environment's wasm loading.
import { defineKeyClients } from "./key-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { wasm } from "./wasm-keys-node-bundler.mjs";

export const { KeyClient, CryptographyClient } = defineKeyClients(wasm, nodeSocketClient);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./keys-common.mjs";
