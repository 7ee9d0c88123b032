import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { fetchHttpClient } from "./fetch.mjs";
import { keyVaultError } from "./pipeline.mjs";
import { keyShapes } from "./secrets-model.mjs";
import { LIST, SecretsPlane } from "./secrets-plane.mjs";

/** `(name, version, options?)` or `(name, options?)` for the latest version: [version, options]. */
function versionAndOptions(versionOrOptions, options) {
  if (typeof versionOrOptions === "string") return [versionOrOptions, options];
  if (versionOrOptions === undefined || versionOrOptions === null) return [undefined, options];
  if (options === undefined) return [undefined, versionOrOptions];
  throw new TypeError("version must be a string; call updateKeyProperties(name, options) for the latest version");
}

/**
 * Builds the root entry's KeyClient (string-valued keys, stored as Key Vault secrets) over an
 * initialised wasm module: `{ glue, exports }`. The plane stays private: callers cannot free it
 * or reach the credential through it.
 */
export function defineKeyClient(wasm, defaultHttpClient = fetchHttpClient) {
  return class KeyClient {
    #plane;

    constructor(vaultUrl, credential, options) {
      this.#plane = new SecretsPlane(wasm, defaultHttpClient, vaultUrl, credential, options, keyShapes, keyVaultError);
    }

    /** The vault's URL, normalised. */
    get vaultUrl() {
      return this.#plane.vaultUrl;
    }

    async setKey(name, value, options) {
      return withSignal(options, (signal) => this.#plane.set(name, value, options, signal));
    }

    async getKey(name, options) {
      return withSignal(options, (signal) => {
        const o = args.options(options, "options");
        return this.#plane.get(name, o ? args.optStringOption(o, "version", "options") : undefined, signal);
      });
    }

    async updateKeyProperties(name, versionOrOptions, options) {
      const [version, callOptions] = versionAndOptions(versionOrOptions, options);
      return withSignal(callOptions, (signal) => this.#plane.update(name, version, callOptions, signal));
    }

    listPropertiesOfKeys(options) {
      return this.#plane.list(LIST.items, undefined, options);
    }

    listPropertiesOfKeyVersions(name, options) {
      return this.#plane.list(LIST.versions, name, options);
    }

    listDeletedKeys(options) {
      return this.#plane.list(LIST.deleted, undefined, options);
    }

    /**
     * Latest versions that expire within `within` (ISO-8601, default P30D, the window of Key
     * Vault's near-expiry event) or have already expired, for a scheduled rotation job.
     */
    listPropertiesOfKeysNearExpiry(options = {}) {
      let horizon;
      return this.#plane.list(LIST.items, undefined, options, {
        // Checked before the first request; a bad duration rejects the first next().
        start: async () => (horizon ??= await this.#plane.addDuration(Date.now(), options?.within ?? "P30D")),
        item: (p) => p.expiresOn !== undefined && p.expiresOn.getTime() <= horizon,
      });
    }

    /** Starts deleting a key; the poller finishes when the deletion is visible. */
    async beginDeleteKey(name, options = {}) {
      return this.#plane.beginDelete(name, options);
    }

    /** Starts recovering a deleted key; the poller finishes when the key can be read again. */
    async beginRecoverDeletedKey(name, options = {}) {
      return this.#plane.beginRecover(name, options);
    }

    async getDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#plane.getDeleted(name, signal));
    }

    async purgeDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#plane.purge(name, signal));
    }

    async backupKey(name, options) {
      return withSignal(options, (signal) => this.#plane.backup(name, signal));
    }

    async restoreKeyBackup(backup, options) {
      return withSignal(options, (signal) => this.#plane.restore(backup, signal));
    }

    /**
     * A new version with a new value that keeps the current version's contentType, tags and
     * enabled (setKey alone would drop them), expiring `expiresIn` (ISO-8601) from now if given.
     * `newValue` is a string, or a function of the current KeyVaultKey returning one.
     */
    async rotateKey(name, newValue, options = {}) {
      if (typeof newValue !== "string" && typeof newValue !== "function") {
        throw new TypeError("newValue must be a string or a function returning one");
      }
      if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
      return withSignal(options, async (signal) => {
        const expiresOn = options.expiresIn === undefined ? undefined : new Date(await this.#plane.addDuration(Date.now(), options.expiresIn));
        const current = await this.#plane.get(name, undefined, signal);
        const value = typeof newValue === "function" ? await newValue(current) : newValue;
        const { contentType, tags, enabled } = current.properties;
        return this.#plane.set(name, value, { contentType, tags, enabled, expiresOn }, signal);
      });
    }
  };
}
