// The secrets plane's wasm module in browsers, shared by every entry that imports this file (the
// root KeyClient and the /secrets drop-in): loaded on first use (see js/wasm-loader.mjs) from
// the .wasm beside the generated glue, or from what `ready()` is given. Works without a bundler
// and in Vite and webpack, which emit the .wasm as an asset; a bundler that does not (esbuild,
// Rollup) leaves the glue's URL relative to the bundle, so the .wasm is copied beside it.
import init, * as glue from "../pkg/web/keyvault_secrets.js";
import { fetchedWasm } from "./wasm-loader.mjs";

export const wasm = fetchedWasm(glue, init, { here: import.meta.url, dir: "web", stem: "keyvault_secrets_bg" });
