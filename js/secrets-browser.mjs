// The browser entry of keyvault-keys-wasm/secrets, the drop-in for @azure/keyvault-secrets.
import { defineSecretClient } from "./secret-client.mjs";
import { wasm } from "./wasm-browser.mjs";

export const SecretClient = defineSecretClient(wasm);
export { isRestError, RestError } from "./rest-error.mjs";
export { KnownContentType, KnownDeletionRecoveryLevel, logger, parseKeyVaultSecretIdentifier } from "./secret-client.mjs";
