// keyvault-keys-wasm/secrets for Cloudflare Workers (the `workerd` condition): js/secrets-browser.mjs
// with that environment's wasm loading.
import { defineSecretClient } from "./secret-client.mjs";
import { wasm } from "./wasm-workerd.mjs";

export const SecretClient = defineSecretClient(wasm);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./secrets-common.mjs";
