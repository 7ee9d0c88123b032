import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { fetchHttpClient } from "./fetch.mjs";
import { loggerFor, parseKeyVaultIdentifier, planeOptions, version } from "./official.mjs";
import { restError } from "./rest-error.mjs";
import { secretShapes } from "./secrets-model.mjs";
import { LIST, SecretsPlane } from "./secrets-plane.mjs";


/**
 * Builds the `SecretClient` of the `/secrets` entry: the public API of
 * `@azure/keyvault-secrets`, over the same secrets plane as the root entry. Errors are
 * `RestError`s; results have the official shapes.
 */
export function defineSecretClient(wasm, defaultHttpClient = fetchHttpClient) {
  return class SecretClient {
    #plane;
    #vaultUrl;

    constructor(vaultUrl, credential, pipelineOptions) {
      this.#plane = new SecretsPlane(wasm, defaultHttpClient, vaultUrl, credential, planeOptions(pipelineOptions), secretShapes, restError);
      this.#vaultUrl = vaultUrl;
    }

    /** The vault URL as given to the constructor, as the official client keeps it. */
    get vaultUrl() {
      return this.#vaultUrl;
    }

    async setSecret(secretName, value, options) {
      return withSignal(options, (signal) => this.#plane.set(secretName, value, options, signal));
    }

    async beginDeleteSecret(name, options = {}) {
      return this.#plane.beginDelete(name, options);
    }

    async updateSecretProperties(secretName, secretVersion, options) {
      return withSignal(options, (signal) =>
        this.#plane.update(secretName, version(secretVersion, "secretVersion"), options, signal),
      );
    }

    async getSecret(secretName, options) {
      return withSignal(options, (signal) => {
        const o = args.options(options, "options");
        if (o?.outContentType !== undefined) {
          throw new RangeError("options.outContentType is not supported: this client reads a secret's value as stored");
        }
        return this.#plane.get(secretName, version(o?.version, "options.version"), signal);
      });
    }

    async getDeletedSecret(secretName, options) {
      return withSignal(options, (signal) => this.#plane.getDeleted(secretName, signal));
    }

    async purgeDeletedSecret(secretName, options) {
      return withSignal(options, (signal) => this.#plane.purge(secretName, signal));
    }

    async beginRecoverDeletedSecret(name, options = {}) {
      return this.#plane.beginRecover(name, options);
    }

    async backupSecret(secretName, options) {
      return withSignal(options, (signal) => this.#plane.backup(secretName, signal));
    }

    async restoreSecretBackup(secretBundleBackup, options) {
      return withSignal(options, (signal) => this.#plane.restore(secretBundleBackup, signal));
    }

    listPropertiesOfSecretVersions(secretName, options) {
      return this.#plane.list(LIST.versions, secretName, options);
    }

    listPropertiesOfSecrets(options) {
      return this.#plane.list(LIST.items, undefined, options);
    }

    listDeletedSecrets(options) {
      return this.#plane.list(LIST.deleted, undefined, options);
    }
  };
}

export { KnownDeletionRecoveryLevel } from "./official.mjs";

/** Certificate formats a secret's value can be asked in. */
export const KnownContentType = Object.freeze({ PFX: "application/x-pkcs12", PEM: "application/x-pem-file" });

/** `https://{vault}/secrets/{name}[/{version}]` as `{ sourceId, vaultUrl, name, version }`. */
export const parseKeyVaultSecretIdentifier = parseKeyVaultIdentifier;

/** `@azure/logger`'s `AzureLogger` shape, for programs that import `logger`. */
export const logger = loggerFor("keyvault-secrets");
