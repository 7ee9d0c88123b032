// The Node ES module entry of keyvault-keys-wasm/keys: its names from its CommonJS build,
// loaded with require() so every entry, imported or required, shares one wasm instance (see
// js/index.mjs).
import { createRequire } from "node:module";

const { keys } = createRequire(import.meta.url)("../pkg/keys.cjs");

export const {
  CryptographyClient,
  isRestError,
  KeyClient,
  KnownDeletionRecoveryLevel,
  KnownEncryptionAlgorithms,
  KnownKeyCurveNames,
  KnownKeyExportEncryptionAlgorithm,
  KnownKeyOperations,
  KnownKeyTypes,
  KnownSignatureAlgorithms,
  logger,
  parseKeyVaultKeyIdentifier,
  ready,
  RestError,
} = keys;
