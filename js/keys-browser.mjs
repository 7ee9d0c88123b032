// The browser entry of keyvault-keys-wasm/keys, the drop-in for @azure/keyvault-keys.
import { defineKeyClients } from "./key-client.mjs";
import { wasm } from "./wasm-keys-browser.mjs";

export const { KeyClient, CryptographyClient } = defineKeyClients(wasm);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./keys-common.mjs";
