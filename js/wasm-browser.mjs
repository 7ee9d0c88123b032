// The secrets plane's wasm module in browsers and edge runtimes, loaded once for every entry
// that imports this file (the root KeyClient and the /secrets drop-in share one instance): a
// plain ES module that loads the .wasm beside the generated glue. Works without a bundler, and
// in Vite (which emits the .wasm as an asset).
import init, * as glue from "../pkg/web/keyvault_keys_wasm.js";

export const wasm = { glue, exports: await init() };
