// The keys plane's wasm module in browsers (the /keys entry), loaded as js/wasm-browser.mjs
// loads the secrets plane's.
import init, * as glue from "../pkg/keys/keyvault_keys.js";
import { fetchedWasm } from "./wasm-loader.mjs";

export const wasm = fetchedWasm(glue, init, { here: import.meta.url, dir: "keys", stem: "keyvault_keys_bg" });
