// The browser entry of keyvault-keys-wasm/secrets, the drop-in for @azure/keyvault-secrets.
import { defineSecretClient } from "./secret-client.mjs";
import { wasm } from "./wasm-browser.mjs";

export const SecretClient = defineSecretClient(wasm);
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
export * from "./secrets-common.mjs";
