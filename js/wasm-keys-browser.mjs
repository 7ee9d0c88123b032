// The keys plane's wasm module in browsers and edge runtimes (the /keys entry), loaded as
// js/wasm-browser.mjs loads the secrets plane's.
import init, * as glue from "../pkg/keys/keyvault_keys_wasm.js";
import { wasmLoader } from "./wasm-loader.mjs";

export const wasm = wasmLoader(glue, (source) => init(source === undefined ? undefined : { module_or_path: source }), {
  where: () => new URL("../pkg/keys/keyvault_keys_wasm_bg.wasm", import.meta.url).href,
});
