// keyvault-keys-wasm/secrets for apps bundled for Node by esbuild or webpack (the `module`
// condition under `node`): js/secrets-browser.mjs with that environment's wasm loading.
import { defineSecretClient } from "./secret-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { wasm } from "./wasm-node-bundler.mjs";

export const SecretClient = defineSecretClient(wasm, nodeSocketClient);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./secrets-common.mjs";
