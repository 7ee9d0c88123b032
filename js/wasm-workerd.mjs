// The secrets plane's wasm module in Cloudflare Workers (the `workerd` condition), which cannot
// compile wasm at run time or resolve import.meta.url: the .wasm is imported as a module
// (`WebAssembly.Module`), as wrangler bundles it with no configuration.
import init, * as glue from "../pkg/web/keyvault_secrets.js";
import module from "../pkg/web/keyvault_secrets_bg.wasm";
import { importedWasm } from "./wasm-loader.mjs";

export const wasm = importedWasm(glue, init, module, "keyvault_secrets_bg");
