// The secrets plane's wasm module for apps bundled for Node (the `module` condition under `node`,
// which esbuild and webpack follow and Node does not): inlined, so the bundle runs wherever it
// is copied, with no .wasm beside it and in either output format.
import * as glue from "../pkg/web/keyvault_secrets.js";
import base64 from "../pkg/web/keyvault_secrets_bg.base64.mjs";
import { inlinedWasm } from "./node-wasm.mjs";

export const wasm = inlinedWasm(glue, base64, "keyvault_secrets_bg");
