// Source of pkg/keys.cjs (the Node build of the /keys entry, CommonJS), bundled by `npm run
// build` beside pkg/node.cjs, so the root entry never loads the keys plane. Its error classes
// and RestError come from pkg/node.cjs (the build points js/errors.mjs and js/rest-error.mjs
// there), so every entry throws the same classes. __dirname below is pkg/.
import * as glue from "../pkg/keys/keyvault_keys.js";
import * as entry from "./key-client.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { nodeWasm } from "./node-wasm.mjs";
import { isRestError, RestError } from "./rest-error.mjs";

const wasm = nodeWasm(glue, "keys/keyvault_keys_bg.wasm");
const { KeyClient, CryptographyClient } = entry.defineKeyClients(wasm, nodeSocketClient);

export const keys = {
  CryptographyClient,
  isRestError,
  KeyClient,
  KnownDeletionRecoveryLevel: entry.KnownDeletionRecoveryLevel,
  KnownEncryptionAlgorithms: entry.KnownEncryptionAlgorithms,
  KnownKeyCurveNames: entry.KnownKeyCurveNames,
  KnownKeyExportEncryptionAlgorithm: entry.KnownKeyExportEncryptionAlgorithm,
  KnownKeyOperations: entry.KnownKeyOperations,
  KnownKeyTypes: entry.KnownKeyTypes,
  KnownSignatureAlgorithms: entry.KnownSignatureAlgorithms,
  logger: entry.logger,
  parseKeyVaultKeyIdentifier: entry.parseKeyVaultKeyIdentifier,
  ready: wasm.ready,
  RestError,
};
