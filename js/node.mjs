// Source of pkg/node.cjs (the Node build of every entry, CommonJS), bundled by `npm run build`.
// It is not loaded from here: __dirname below is pkg/, where the bundle lives beside the wasm.
// It exports one object per entry (`root`, `secrets`, `keys`); each entry's files pick theirs
// (js/index.cjs, js/index.mjs, js/secrets.cjs, ...), so all share one wasm instance and one set
// of error classes, and no entry shows another's names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as glue from "../pkg/web/keyvault_keys_wasm.js";
import { defineKeyClient } from "./client.mjs";
import { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
import * as keysEntry from "./key-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { isRestError, RestError } from "./rest-error.mjs";
import * as secretsEntry from "./secret-client.mjs";

const wasm = { glue, exports: glue.initSync({ module: readFileSync(join(__dirname, "web", "keyvault_keys_wasm_bg.wasm")) }) };

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

const { KeyClient, CryptographyClient } = keysEntry.defineKeyClients(wasm, nodeSocketClient);
export const keys = {
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
