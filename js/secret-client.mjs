import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { fetchHttpClient } from "./fetch.mjs";
import { officialHttpClient, restError } from "./rest-error.mjs";
import { secretShapes } from "./secrets-model.mjs";
import { LIST, SecretsPlane } from "./secrets-plane.mjs";

/**
 * The client options of @azure/keyvault-secrets read as the plane's: the same names, with an
 * official `HttpClient` (whose requests carry `HttpHeaders`) adapted. Options that only shape
 * the official pipeline (policies, logging, telemetry, proxy, redirects) have no counterpart:
 * this client never follows redirects.
 */
function planeOptions(options) {
  const o = args.options(options, "options");
  if (!o?.httpClient || typeof o.httpClient.sendRequest !== "function") return o;
  return { ...o, httpClient: officialHttpClient(o.httpClient) };
}

/** A version that may be given as "" (the latest), as the official client accepts. */
const version = (v, what) => (v === undefined || v === null || v === "" ? undefined : args.string(v, what));

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
      return this.#plane.list(LIST.secrets, undefined, options);
    }

    listDeletedSecrets(options) {
      return this.#plane.list(LIST.deleted, undefined, options);
    }
  };
}

/** The recovery levels the service names (`DeletionRecoveryLevel` is any string). */
export const KnownDeletionRecoveryLevel = Object.freeze({
  Purgeable: "Purgeable",
  RecoverablePurgeable: "Recoverable+Purgeable",
  Recoverable: "Recoverable",
  RecoverableProtectedSubscription: "Recoverable+ProtectedSubscription",
  CustomizedRecoverablePurgeable: "CustomizedRecoverable+Purgeable",
  CustomizedRecoverable: "CustomizedRecoverable",
  CustomizedRecoverableProtectedSubscription: "CustomizedRecoverable+ProtectedSubscription",
});

/** Certificate formats a secret's value can be asked in. */
export const KnownContentType = Object.freeze({ PFX: "application/x-pkcs12", PEM: "application/x-pem-file" });

/**
 * `https://{vault}/secrets/{name}[/{version}]` as `{ sourceId, vaultUrl, name, version }`;
 * throws an Error for anything else, with the official messages.
 */
export function parseKeyVaultSecretIdentifier(id) {
  // The official parser's checks, in its order and with its messages.
  const sourceId = id;
  const collection = typeof id === "string" ? id.split("/")[3]?.trim() : undefined;
  if (!collection) throw new Error("Invalid collection argument");
  if (!(id = id.trim())) throw new Error("Invalid identifier argument");
  let url;
  try {
    url = new URL(id);
  } catch {
    throw new Error(`Invalid ${collection} identifier: ${id}. Not a valid URI`);
  }
  const segments = url.pathname.split("/");
  if (segments.length !== 3 && segments.length !== 4) {
    throw new Error(`Invalid ${collection} identifier: ${id}. Bad number of segments: ${segments.length}`);
  }
  if (segments[1] !== collection) {
    throw new Error(`Invalid ${collection} identifier: ${id}. segment [1] should be "${collection}", found "${segments[1]}"`);
  }
  return {
    sourceId,
    vaultUrl: `${url.protocol}//${url.host}`,
    name: segments[2],
    version: segments.length === 4 ? segments[3] : undefined,
  };
}

/** A `Debugger` of `@azure/logger`: this client logs nothing. */
function debuggerFor(namespace) {
  const log = () => {};
  return Object.assign(log, { namespace, enabled: false, log, destroy: () => true, extend: (sub) => debuggerFor(`${namespace}:${sub}`) });
}

/** `@azure/logger`'s `AzureLogger` shape, for programs that import `logger`. */
export const logger = Object.freeze(
  Object.fromEntries(["error", "warning", "info", "verbose"].map((level) => [level, debuggerFor(`keyvault-secrets:${level}`)])),
);
