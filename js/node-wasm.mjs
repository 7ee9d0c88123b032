// A plane's wasm module in Node (see js/wasm-loader.mjs), compiled synchronously when the first
// client is constructed, or from what `ready()` is given.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wasmLoader } from "./wasm-loader.mjs";

const bytes = (source) =>
  source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? source : readFileSync(source);

/** The loader of the module read from `file` under pkg/ (`__dirname` is pkg/ in the package's Node bundles). */
export function nodeWasm(glue, file) {
  const path = join(__dirname, file);
  return wasmLoader(glue, (source) => glue.initSync({ module: bytes(source ?? path) }), { sync: true, where: () => path });
}

/**
 * The loader of a module carried in the JavaScript as base64: the entry for tools that bundle an
 * app for Node (esbuild, webpack), which neither copy a .wasm file nor keep a path to it.
 */
export function inlinedWasm(glue, base64, stem) {
  return wasmLoader(glue, (source) => glue.initSync({ module: bytes(source ?? Buffer.from(base64, "base64")) }), {
    sync: true,
    where: () => `the ${stem}.wasm bytes inlined in the bundle`,
  });
}
