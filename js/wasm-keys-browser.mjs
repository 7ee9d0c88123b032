// The keys plane's wasm module in browsers and edge runtimes (the /keys entry), loaded as
// js/wasm-browser.mjs loads the secrets plane's.
import init, * as glue from "../pkg/keys/keyvault_keys_wasm.js";
import { wasmLoader } from "./wasm-loader.mjs";

export const wasm = wasmLoader(glue, (source) => init(source === undefined ? undefined : { module_or_path: source }), {
  // For messages only. No `.wasm` path literal here: bundlers (and the bundle measurement in
  // bench/) take one for a second reference to the asset.
  where: () => import.meta.url.replace(/\/js\/[^/]*$/, `/pkg/keys/${["keyvault_keys_wasm_bg", "wasm"].join(".")}`),
});
