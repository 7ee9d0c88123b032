// Source of pkg/node.cjs (the Node build of every entry, CommonJS), bundled by `npm run build`.
// It is not loaded from here: __dirname below is pkg/, where the bundle lives beside the wasm.
// It exports one object per entry (`root`, `secrets`, and `keys()`, which loads the keys
// plane's wasm module on first use); each entry's files pick theirs (js/index.cjs,
// js/index.mjs, js/secrets.cjs, ...), so they share the wasm instances and one set of error
// classes, and no entry shows another's names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as keysGlue from "../pkg/keys/keyvault_keys_wasm.js";
import * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { defineKeyClient } from "./client.mjs";
import { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
import * as keysEntry from "./key-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { isRestError, RestError } from "./rest-error.mjs";
import * as secretsEntry from "./secret-client.mjs";

/** A plane's wasm module, from its directory under pkg/. */
const load = (glue, dir) => ({ glue, exports: glue.initSync({ module: readFileSync(join(__dirname, dir, "keyvault_keys_wasm_bg.wasm")) }) });

const wasm = load(glue, "web");

export const root = {
  AbortError,
  AuthenticationError,
  KeyClient: defineKeyClient(wasm, nodeSocketClient),
  KeyVaultError,
  PollerStoppedError,
};

export const secrets = {
  isRestError,
  KnownContentType: secretsEntry.KnownContentType,
  KnownDeletionRecoveryLevel: secretsEntry.KnownDeletionRecoveryLevel,
  logger: secretsEntry.logger,
  parseKeyVaultSecretIdentifier: secretsEntry.parseKeyVaultSecretIdentifier,
  RestError,
  SecretClient: secretsEntry.defineSecretClient(wasm, nodeSocketClient),
};

let keysNames;
/** The /keys entry's names; its wasm module is compiled on the first call. */
export function keys() {
  if (keysNames) return keysNames;
  const { KeyClient, CryptographyClient } = keysEntry.defineKeyClients(load(keysGlue, "keys"), nodeSocketClient);
  keysNames = {
    CryptographyClient,
    isRestError,
    KeyClient,
    KnownDeletionRecoveryLevel: keysEntry.KnownDeletionRecoveryLevel,
    KnownEncryptionAlgorithms: keysEntry.KnownEncryptionAlgorithms,
    KnownKeyCurveNames: keysEntry.KnownKeyCurveNames,
    KnownKeyExportEncryptionAlgorithm: keysEntry.KnownKeyExportEncryptionAlgorithm,
    KnownKeyOperations: keysEntry.KnownKeyOperations,
    KnownKeyTypes: keysEntry.KnownKeyTypes,
    KnownSignatureAlgorithms: keysEntry.KnownSignatureAlgorithms,
    logger: keysEntry.logger,
    parseKeyVaultKeyIdentifier: keysEntry.parseKeyVaultKeyIdentifier,
    RestError,
  };
  return keysNames;
}
