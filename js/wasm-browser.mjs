// The secrets plane's wasm module in browsers and edge runtimes, shared by every entry that
// imports this file (the root KeyClient and the /secrets drop-in): loaded on first use (see
// js/wasm-loader.mjs) from the .wasm beside the generated glue, or from what `ready()` is given.
// Works without a bundler, and in Vite (which emits the .wasm as an asset).
import init, * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { wasmLoader } from "./wasm-loader.mjs";

export const wasm = wasmLoader(glue, (source) => init(source === undefined ? undefined : { module_or_path: source }), {
  // For messages only. No `.wasm` path literal here: bundlers (and the bundle measurement in
  // bench/) take one for a second reference to the asset.
  where: () => import.meta.url.replace(/\/js\/[^/]*$/, `/pkg/web/${["keyvault_keys_wasm_bg", "wasm"].join(".")}`),
});
