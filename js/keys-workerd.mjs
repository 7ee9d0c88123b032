// keyvault-keys-wasm/keys for Cloudflare Workers (the `workerd` condition): js/keys-browser.mjs
// with that environment's wasm loading.
import { defineKeyClients } from "./key-client.mjs";
import { wasm } from "./wasm-keys-workerd.mjs";

export const { KeyClient, CryptographyClient } = defineKeyClients(wasm);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./keys-common.mjs";
