import { delay, withSignal } from "./abort.mjs";
import { AbortError, AuthenticationError, KeyVaultError } from "./errors.mjs";
import { pagedIterator } from "./paging.mjs";
import { KeyPoller } from "./poller.mjs";

/** `(name, version, options?)` or `(name, options?)` for the latest version: [version, options]. */
function versionAndOptions(versionOrOptions, options) {
  if (typeof versionOrOptions === "string") return [versionOrOptions, options];
  if (versionOrOptions === undefined || versionOrOptions === null) return [undefined, options];
  if (options === undefined) return [undefined, versionOrOptions];
  throw new TypeError("version must be a string; call updateKeyProperties(name, options) for the latest version");
}

/**
 * Builds the public KeyClient class over an initialised wasm module. The wasm object stays
 * private: callers cannot free it or reach the credential through it. Everything here is
 * orchestration (iterators, pollers, abort); requests, validation and mapping are in Rust.
 */
export function defineKeyClient(wasm, defaultHttpClient) {
  wasm.__registerHost({ KeyVaultError, AuthenticationError, AbortError, delay });

  return class KeyClient {
    #inner;

    constructor(vaultUrl, credential, options) {
      this.#inner = new wasm.KeyClient(vaultUrl, credential, options, defaultHttpClient);
    }

    /** The vault's URL, normalised. */
    get vaultUrl() {
      return this.#inner.vaultUrl;
    }

    async setKey(name, value, options) {
      return withSignal(options, (signal) => this.#inner.setKey(name, value, options, signal));
    }

    async getKey(name, options) {
      return withSignal(options, (signal) => this.#inner.getKey(name, options, signal));
    }

    async updateKeyProperties(name, versionOrOptions, options) {
      const [version, callOptions] = versionAndOptions(versionOrOptions, options);
      return withSignal(callOptions, (signal) => this.#inner.updateKeyProperties(name, version, callOptions, signal));
    }

    listPropertiesOfKeys(options) {
      return pagedIterator((token, max) =>
        withSignal(options, (signal) => this.#inner.listPropertiesOfKeysPage(token, max, signal)),
      );
    }

    listPropertiesOfKeyVersions(name, options) {
      return pagedIterator((token, max) =>
        withSignal(options, (signal) => this.#inner.listPropertiesOfKeyVersionsPage(name, token, max, signal)),
      );
    }

    listDeletedKeys(options) {
      return pagedIterator((token, max) =>
        withSignal(options, (signal) => this.#inner.listDeletedKeysPage(token, max, signal)),
      );
    }

    /**
     * Latest versions that expire within `within` (ISO-8601, default P30D, the window of Key
     * Vault's near-expiry event) or have already expired, for a scheduled rotation job.
     */
    listPropertiesOfKeysNearExpiry(options = {}) {
      let horizon;
      return pagedIterator(
        (token, max) =>
          withSignal(options, (signal) => {
            // Checked before the first request; a bad duration rejects the first next().
            horizon ??= wasm.__addDuration(Date.now(), options?.within ?? "P30D");
            return this.#inner.listPropertiesOfKeysPage(token, max, signal);
          }),
        (p) => p.expiresOn !== undefined && p.expiresOn.getTime() <= horizon,
      );
    }

    /** Starts deleting a key; the poller finishes when the deletion is visible. */
    async beginDeleteKey(name, options = {}) {
      const poller = new KeyPoller("delete", name, {
        start: (signal) => this.#inner.deleteKey(name, signal),
        // A vault without soft delete has nothing to wait for.
        finishedAtStart: (deleted) => deleted.recoveryId === undefined,
        check: (signal, started) => this.#settled(this.#inner.getDeletedKey(name, signal), started),
      }, options);
      await poller.poll(options);
      return poller;
    }

    /** Starts recovering a deleted key; the poller finishes when the key can be read again. */
    async beginRecoverDeletedKey(name, options = {}) {
      const poller = new KeyPoller("recover", name, {
        start: (signal) => this.#inner.recoverDeletedKey(name, signal),
        check: async (signal, started) => {
          const key = await this.#settled(this.#inner.getKey(name, undefined, signal), { properties: started });
          return key?.properties;
        },
      }, options);
      await poller.poll(options);
      return poller;
    }

    /**
     * A check's answer: the new state, or undefined while the service still says 404. A 403
     * means the caller may not read the object but the operation is done (as the official SDK
     * treats it): the answer is then `otherwise`.
     */
    async #settled(promise, otherwise) {
      try {
        return await promise;
      } catch (e) {
        if (e instanceof KeyVaultError && e.statusCode === 404) return undefined;
        if (e instanceof KeyVaultError && e.statusCode === 403) return otherwise;
        throw e;
      }
    }

    async getDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#inner.getDeletedKey(name, signal));
    }

    async purgeDeletedKey(name, options) {
      return withSignal(options, (signal) => this.#inner.purgeDeletedKey(name, signal));
    }

    async backupKey(name, options) {
      return withSignal(options, (signal) => this.#inner.backupKey(name, signal));
    }

    async restoreKeyBackup(backup, options) {
      return withSignal(options, (signal) => this.#inner.restoreKeyBackup(backup, signal));
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
      const expiresOn =
        options.expiresIn === undefined ? undefined : new Date(wasm.__addDuration(Date.now(), options.expiresIn));
      return withSignal(options, async (signal) => {
        const current = await this.#inner.getKey(name, undefined, signal);
        const value = typeof newValue === "function" ? await newValue(current) : newValue;
        const { contentType, tags, enabled } = current.properties;
        return this.#inner.setKey(name, value, { contentType, tags, enabled, expiresOn }, signal);
      });
    }
  };
}

