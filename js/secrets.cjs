// The CommonJS entry of keyvault-keys-wasm/secrets: the names of that entry from the one Node
// bundle (pkg/node.cjs), so it shares the wasm instance with the root entry.
"use strict";
const all = require("../pkg/node.cjs");

module.exports = {
  isRestError: all.isRestError,
  KnownContentType: all.KnownContentType,
  KnownDeletionRecoveryLevel: all.KnownDeletionRecoveryLevel,
  logger: all.logger,
  parseKeyVaultSecretIdentifier: all.parseKeyVaultSecretIdentifier,
  RestError: all.RestError,
  SecretClient: all.SecretClient,
};
