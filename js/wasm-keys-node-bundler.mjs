// The keys plane's wasm module for apps bundled for Node (see js/wasm-node-bundler.mjs).
import * as glue from "../pkg/keys/keyvault_keys.js";
import base64 from "../pkg/keys/keyvault_keys_bg.base64.mjs";
import { inlinedWasm } from "./node-wasm.mjs";

export const wasm = inlinedWasm(glue, base64, "keyvault_keys_bg");
