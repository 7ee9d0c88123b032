// Source of pkg/node.cjs (the Node build of every entry, CommonJS), bundled by `npm run build`.
// It is not loaded from here: __dirname below is pkg/, where the bundle lives beside the wasm.
// The root entry's require() is this bundle; the other entries pick their names from it
// (js/secrets.cjs, js/secrets-node.mjs), so all share one wasm instance.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { defineKeyClient } from "./client.mjs";
import { defineSecretClient } from "./secret-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";

const exports = glue.initSync({ module: readFileSync(join(__dirname, "web", "keyvault_keys_wasm_bg.wasm")) });

export const KeyClient = defineKeyClient({ glue, exports }, nodeSocketClient);
export { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";

export const SecretClient = defineSecretClient({ glue, exports }, nodeSocketClient);
export { isRestError, RestError } from "./rest-error.mjs";
export { KnownContentType, KnownDeletionRecoveryLevel, logger, parseKeyVaultSecretIdentifier } from "./secret-client.mjs";
