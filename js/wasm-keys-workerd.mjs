// The keys plane's wasm module in Cloudflare Workers (see js/wasm-workerd.mjs).
import init, * as glue from "../pkg/keys/keyvault_keys.js";
import module from "../pkg/keys/keyvault_keys_bg.wasm";
import { importedWasm } from "./wasm-loader.mjs";

export const wasm = importedWasm(glue, init, module, "keyvault_keys_bg");
