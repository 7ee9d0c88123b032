// The names of keyvault-keys-wasm/secrets that are alike in every build of the entry (browsers,
// Workers, apps bundled for Node): everything but the client and `ready`.
export { isRestError, RestError } from "./rest-error.mjs";
export { KnownContentType, KnownDeletionRecoveryLevel, logger, parseKeyVaultSecretIdentifier } from "./secret-client.mjs";
