// The Node ES module entry of keyvault-keys-wasm/secrets: its names from the CommonJS build,
// loaded with require() so every entry, imported or required, shares one wasm instance (see
// js/index.mjs).
import { createRequire } from "node:module";

const { secrets } = createRequire(import.meta.url)("../pkg/node.cjs");

export const {
  isRestError,
  KnownContentType,
  KnownDeletionRecoveryLevel,
  logger,
  parseKeyVaultSecretIdentifier,
  ready,
  RestError,
  SecretClient,
} = secrets;
