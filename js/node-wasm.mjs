// A plane's wasm module in Node (see js/wasm-loader.mjs): read from pkg/ and compiled
// synchronously when the first client is constructed, or from what `ready()` is given.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wasmLoader } from "./wasm-loader.mjs";

/** The loader of the module in `dir` (pkg/web or pkg/keys; `__dirname` is pkg/ in the bundles). */
export function nodeWasm(glue, dir) {
  const file = join(__dirname, dir, "keyvault_keys_wasm_bg.wasm");
  const bytes = (source) =>
    source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? source : readFileSync(source);
  return wasmLoader(glue, (source) => glue.initSync({ module: bytes(source ?? file) }), { sync: true, where: () => file });
}
