// The keys plane's wasm module in browsers and edge runtimes (the /keys entry), loaded as
// js/wasm-browser.mjs loads the secrets plane's.
import init, * as glue from "../pkg/keys/keyvault_keys_wasm.js";

export const wasm = { glue, exports: await init() };
