// The root entry for Cloudflare Workers (the `workerd` condition): js/browser.mjs with that
// environment's wasm loading.
import { defineKeyClient } from "./client.mjs";
import { wasm } from "./wasm-workerd.mjs";

export const KeyClient = defineKeyClient(wasm);
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
/** Loads the WebAssembly module now (from `source` if given) instead of at the first call. */
export const ready = wasm.ready;
