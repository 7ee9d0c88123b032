import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { defineCryptographyClient } from "./cryptography-client.mjs";
import { fetchHttpClient } from "./fetch.mjs";
import { KeysPlane, LIST } from "./keys-plane.mjs";
import { loggerFor, parseKeyVaultIdentifier, planeOptions, version } from "./official.mjs";
import { restError } from "./rest-error.mjs";

/** `(name, version, options?)` or `(name, options?)`, as the official client tells them apart. */
function versionAndOptions(rest) {
  return typeof rest[0] === "string" ? [rest[0], rest[1]] : [undefined, rest[0]];
}

/** The key type `createEcKey` / `createRsaKey` / `createOctKey` ask for: `hsm` picks the HSM kind. */
function family(kty, options) {
  const o = args.options(options, "options");
  return o && args.optBoolOption(o, "hsm", "options") ? `${kty}-HSM` : kty;
}

/**
 * Builds the `KeyClient` and `CryptographyClient` of the `/keys` entry: the public API of
 * `@azure/keyvault-keys`, over the keys plane of the core. Errors are `RestError`s; results
 * have the official shapes.
 */
export function defineKeyClients(wasm, defaultHttpClient = fetchHttpClient) {
  const newPlane = (vaultUrl, credential, options) => new KeysPlane(wasm, defaultHttpClient, vaultUrl, credential, planeOptions(options), restError);
  const { CryptographyClient, cryptographyClientOf } = defineCryptographyClient(newPlane);

  class KeyClient {
    #plane;
    #vaultUrl;

    constructor(vaultUrl, credential, pipelineOptions) {
      this.#plane = newPlane(vaultUrl, credential, pipelineOptions);
      this.#vaultUrl = vaultUrl;
    }

    /** The vault URL as given to the constructor, as the official client keeps it. */
    get vaultUrl() {
      return this.#vaultUrl;
    }

    async createKey(name, keyType, options) {
      return withSignal(options, (signal) => this.#plane.create(name, keyType, options, signal));
    }

    async createEcKey(name, options) {
      return this.createKey(name, family("EC", options), options);
    }

    async createRsaKey(name, options) {
      return this.createKey(name, family("RSA", options), options);
    }

    async createOctKey(name, options) {
      return this.createKey(name, family("oct", options), options);
    }

    async importKey(name, key, options) {
      return withSignal(options, (signal) => this.#plane.import(name, key, options, signal));
    }

    /** A CryptographyClient for the key, sharing this client's connection and token. */
    getCryptographyClient(keyName, options) {
      const name = args.string(keyName, "keyName");
      const o = args.options(options, "options");
      const keyVersion = o ? args.optStringOption(o, "keyVersion", "options") : undefined;
      const id = [this.#plane.vaultUrl, "keys", name, keyVersion].filter(Boolean).join("/");
      return cryptographyClientOf(id, this.#plane, name, keyVersion || undefined);
    }

    async beginDeleteKey(name, options = {}) {
      return this.#plane.beginDelete(name, options);
    }

    async updateKeyProperties(name, ...rest) {
      const [keyVersion, options] = versionAndOptions(rest);
      return withSignal(options, (signal) => this.#plane.update(name, version(keyVersion, "keyVersion"), options, signal));
    }

    async getKey(name, options) {
      return withSignal(options, (signal) => {
        const o = args.options(options, "options");
        return this.#plane.get(name, version(o?.version, "options.version"), signal);
      });
    }

    async getKeyAttestation(name, options) {
      return withSignal(options, (signal) => {
        const o = args.options(options, "options");
        return this.#plane.attestation(name, version(o?.version, "options.version"), signal);
      });
    }

    async getDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#plane.getDeleted(name, signal));
    }

    async purgeDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#plane.purge(name, signal));
    }

    async beginRecoverDeletedKey(name, options = {}) {
      return this.#plane.beginRecover(name, options);
    }

    async backupKey(name, options) {
      return withSignal(options, (signal) => this.#plane.backup(name, signal));
    }

    async restoreKeyBackup(backup, options) {
      return withSignal(options, (signal) => this.#plane.restore(backup, signal));
    }

    async getRandomBytes(count, options) {
      return withSignal(options, (signal) => this.#plane.randomBytes(count, signal));
    }

    async rotateKey(name, options) {
      return withSignal(options, (signal) => this.#plane.rotate(name, signal));
    }

    async releaseKey(name, targetAttestationToken, options) {
      return withSignal(options, (signal) => this.#plane.release(name, targetAttestationToken, options, signal));
    }

    async getKeyRotationPolicy(keyName, options) {
      return withSignal(options, (signal) => this.#plane.getRotationPolicy(args.string(keyName, "keyName"), signal));
    }

    async updateKeyRotationPolicy(keyName, policy, options) {
      return withSignal(options, (signal) => this.#plane.updateRotationPolicy(keyName, policy, signal));
    }

    listPropertiesOfKeyVersions(name, options) {
      return this.#plane.list(LIST.versions, name, options);
    }

    listPropertiesOfKeys(options) {
      return this.#plane.list(LIST.items, undefined, options);
    }

    listDeletedKeys(options) {
      return this.#plane.list(LIST.deleted, undefined, options);
    }
  }

  return { KeyClient, CryptographyClient };
}

/** `https://{vault}/keys/{name}[/{version}]` as `{ sourceId, vaultUrl, name, version }`. */
export const parseKeyVaultKeyIdentifier = parseKeyVaultIdentifier;

/** `@azure/logger`'s `AzureLogger` shape, for programs that import `logger`. */
export const logger = loggerFor("keyvault-keys");

export { KnownDeletionRecoveryLevel } from "./official.mjs";

export const KnownKeyTypes = Object.freeze({ EC: "EC", ECHSM: "EC-HSM", RSA: "RSA", RSAHSM: "RSA-HSM", Oct: "oct", OctHSM: "oct-HSM" });
export const KnownKeyCurveNames = Object.freeze({ P256: "P-256", P384: "P-384", P521: "P-521", P256K: "P-256K" });
export const KnownKeyOperations = Object.freeze({
  Encrypt: "encrypt",
  Decrypt: "decrypt",
  Sign: "sign",
  Verify: "verify",
  WrapKey: "wrapKey",
  UnwrapKey: "unwrapKey",
  Import: "import",
});
export const KnownKeyExportEncryptionAlgorithm = Object.freeze({
  CkmRsaAesKeyWrap: "CKM_RSA_AES_KEY_WRAP",
  RsaAesKeyWrap256: "RSA_AES_KEY_WRAP_256",
  RsaAesKeyWrap384: "RSA_AES_KEY_WRAP_384",
});
export const KnownEncryptionAlgorithms = Object.freeze({
  RSAOaep: "RSA-OAEP",
  RSAOaep256: "RSA-OAEP-256",
  RSA15: "RSA1_5",
  A128GCM: "A128GCM",
  A192GCM: "A192GCM",
  A256GCM: "A256GCM",
  A128KW: "A128KW",
  A192KW: "A192KW",
  A256KW: "A256KW",
  A128CBC: "A128CBC",
  A192CBC: "A192CBC",
  A256CBC: "A256CBC",
  A128Cbcpad: "A128CBCPAD",
  A192Cbcpad: "A192CBCPAD",
  A256Cbcpad: "A256CBCPAD",
  CkmAesKeyWrap: "CKM_AES_KEY_WRAP",
  CkmAesKeyWrapPad: "CKM_AES_KEY_WRAP_PAD",
});
export const KnownSignatureAlgorithms = Object.freeze({
  PS256: "PS256",
  PS384: "PS384",
  PS512: "PS512",
  RS256: "RS256",
  RS384: "RS384",
  RS512: "RS512",
  HS256: "HS256",
  HS384: "HS384",
  HS512: "HS512",
  Rsnull: "RSNULL",
  ES256: "ES256",
  ES384: "ES384",
  ES512: "ES512",
  ES256K: "ES256K",
});
