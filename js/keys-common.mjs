// The names of keyvault-keys-wasm/keys that are alike in every build of the entry (browsers,
// Workers, apps bundled for Node): everything but the clients and `ready`.
export { isRestError, RestError } from "./rest-error.mjs";
export {
  KnownDeletionRecoveryLevel,
  KnownEncryptionAlgorithms,
  KnownKeyCurveNames,
  KnownKeyExportEncryptionAlgorithm,
  KnownKeyOperations,
  KnownKeyTypes,
  KnownSignatureAlgorithms,
  logger,
  parseKeyVaultKeyIdentifier,
} from "./key-client.mjs";
