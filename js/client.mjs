import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { KeyVaultError } from "./errors.mjs";
import { fetchHttpClient } from "./fetch.mjs";
import { pagedIterator } from "./paging.mjs";
import { credentialFunction, Pipeline, Wasm } from "./pipeline.mjs";
import { KeyPoller } from "./poller.mjs";
import * as model from "./secrets-model.mjs";

/** `ms` plus an ISO-8601 duration, calendar-correct (the core's arithmetic). */
function addDuration(wasm, ms, duration) {
  const result = wasm.core.addDuration(ms, args.string(duration, "duration"));
  if (Number.isNaN(result)) throw new RangeError(wasm.text(wasm.core.lastText()));
  return result;
}

/** `(name, version, options?)` or `(name, options?)` for the latest version: [version, options]. */
function versionAndOptions(versionOrOptions, options) {
  if (typeof versionOrOptions === "string") return [versionOrOptions, options];
  if (versionOrOptions === undefined || versionOrOptions === null) return [undefined, options];
  if (options === undefined) return [undefined, versionOrOptions];
  throw new TypeError("version must be a string; call updateKeyProperties(name, options) for the latest version");
}

/** The constructor's options, type-checked; the core checks the values. */
function clientOptions(options) {
  const o = args.options(options, "options");
  if (!o) return { retry: {} };
  const httpClient = o.httpClient;
  if (httpClient !== undefined && httpClient !== null && typeof httpClient?.sendRequest !== "function") {
    throw new TypeError("options.httpClient must have a sendRequest(request) method");
  }
  const ua = args.options(o.userAgentOptions, "options.userAgentOptions");
  return {
    allowInsecure: args.optBoolOption(o, "allowInsecureConnection", "options") ?? false,
    disableVerification: args.optBoolOption(o, "disableChallengeResourceVerification", "options") ?? false,
    serviceVersion: args.optStringOption(o, "serviceVersion", "options"),
    httpClient: httpClient ?? undefined,
    retry: args.retryOptions(o.retryOptions),
    userAgentPrefix: ua ? args.optStringOption(ua, "userAgentPrefix", "options.userAgentOptions") : undefined,
  };
}

// Which listing and which operation on a name, as the core numbers them (src/wasm/mod.rs).
const LIST = { keys: 0, versions: 1, deleted: 2 };
const NAMED = { delete: 0, getDeleted: 1, recover: 2, purge: 3, backup: 4 };

/**
 * Builds the public KeyClient class over an initialised wasm module (its glue, and the
 * instance's exports for the memory). The wasm objects stay private: callers cannot free them
 * or reach the credential through them. Everything here is orchestration (argument types,
 * iterators, pollers, abort); requests, rules and retries are decided in Rust, responses are
 * read in js/secrets-model.mjs.
 */
export function defineKeyClient(glue, exports, defaultHttpClient = fetchHttpClient) {
  return class KeyClient {
    #wasm;
    #pipeline;

    constructor(vaultUrl, credential, options) {
      const url = args.string(vaultUrl, "vaultUrl");
      const getToken = credentialFunction(credential);
      const o = clientOptions(options);
      const wasm = new Wasm(new glue.Core(), exports.memory);
      const refused = wasm.core.configure(
        url,
        o.allowInsecure,
        !o.disableVerification,
        o.serviceVersion,
        o.userAgentPrefix,
        o.retry.maxRetries,
        o.retry.retryDelayInMs,
        o.retry.maxRetryDelayInMs,
        Math.random() * 2 ** 52,
      );
      if (refused !== 0) {
        // `kind + message`: T a TypeError, R a RangeError.
        const text = wasm.text(refused);
        throw text[0] === "T" ? new TypeError(text.slice(1)) : new RangeError(text.slice(1));
      }
      this.#wasm = wasm;
      this.#pipeline = new Pipeline(wasm, getToken, o.httpClient ?? defaultHttpClient, o.retry.tryTimeoutInMs);
    }

    /** The vault's URL, normalised. */
    get vaultUrl() {
      return this.#pipeline.origin;
    }

    #write(update, name, text, options, signal) {
      const n = args.string(name, "name");
      const o = args.keyOptions(options);
      return this.#pipeline.run(
        (core, id, now) => core.write(id, now, update, n, text, o.contentType, o.enabled, o.notBefore, o.expiresOn, o.tags),
        signal,
      );
    }

    async setKey(name, value, options) {
      return withSignal(options, async (signal) => {
        const v = args.string(value, "value");
        return model.readKey(await this.#write(false, name, v, options, signal));
      });
    }

    #get(name, version, signal) {
      const n = args.string(name, "name");
      return this.#pipeline.run((core, id, now) => core.get(id, now, n, version), signal);
    }

    async getKey(name, options) {
      return withSignal(options, async (signal) => {
        const o = args.options(options, "options");
        const version = o ? args.optStringOption(o, "version", "options") : undefined;
        return model.readKey(await this.#get(name, version, signal));
      });
    }

    async updateKeyProperties(name, versionOrOptions, options) {
      const [version, callOptions] = versionAndOptions(versionOrOptions, options);
      return withSignal(callOptions, async (signal) => {
        const v = args.optString(version, "version");
        return model.readProperties(await this.#write(true, name, v, callOptions, signal));
      });
    }

    /** A paged iterator over one listing; `read` reads a page. */
    #list(which, name, options, read, keep) {
      return pagedIterator(
        (token, max) =>
          withSignal(options, async (signal) => {
            const n = which === LIST.versions ? args.string(name, "name") : undefined;
            const t = args.optString(token, "continuationToken");
            const m = args.pageSize(max);
            keep?.start();
            return read(await this.#pipeline.run((core, id, now) => core.list(id, now, which, n, m, t), signal));
          }),
        keep?.item,
      );
    }

    listPropertiesOfKeys(options) {
      return this.#list(LIST.keys, undefined, options, model.readPropertiesPage);
    }

    listPropertiesOfKeyVersions(name, options) {
      return this.#list(LIST.versions, name, options, model.readPropertiesPage);
    }

    listDeletedKeys(options) {
      return this.#list(LIST.deleted, undefined, options, model.readDeletedPage);
    }

    /**
     * Latest versions that expire within `within` (ISO-8601, default P30D, the window of Key
     * Vault's near-expiry event) or have already expired, for a scheduled rotation job.
     */
    listPropertiesOfKeysNearExpiry(options = {}) {
      let horizon;
      return this.#list(LIST.keys, undefined, options, model.readPropertiesPage, {
        // Checked before the first request; a bad duration rejects the first next().
        start: () => (horizon ??= addDuration(this.#wasm, Date.now(), options?.within ?? "P30D")),
        item: (p) => p.expiresOn !== undefined && p.expiresOn.getTime() <= horizon,
      });
    }

    /** One operation on a name (delete, get deleted, recover, purge, backup). */
    #named(which, name, signal) {
      const n = args.string(name, "name");
      return this.#pipeline.run((core, id, now) => core.named(id, now, which, n), signal);
    }

    /** Starts deleting a key; the poller finishes when the deletion is visible. */
    async beginDeleteKey(name, options = {}) {
      const poller = new KeyPoller("delete", name, {
        start: async (signal) => model.readDeletedKey(await this.#named(NAMED.delete, name, signal)),
        // A vault without soft delete has nothing to wait for.
        finishedAtStart: (deleted) => deleted.recoveryId === undefined,
        check: (signal, started) => this.#settled(this.#named(NAMED.getDeleted, name, signal), model.readDeletedKey, started),
      }, options);
      await poller.poll(options);
      return poller;
    }

    /** Starts recovering a deleted key; the poller finishes when the key can be read again. */
    async beginRecoverDeletedKey(name, options = {}) {
      const poller = new KeyPoller("recover", name, {
        start: async (signal) => model.readProperties(await this.#named(NAMED.recover, name, signal)),
        check: async (signal, started) => {
          const key = await this.#settled(this.#get(name, undefined, signal), model.readKey, { properties: started });
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
    async #settled(response, read, otherwise) {
      try {
        return read(await response);
      } catch (e) {
        if (e instanceof KeyVaultError && e.statusCode === 404) return undefined;
        if (e instanceof KeyVaultError && e.statusCode === 403) return otherwise;
        throw e;
      }
    }

    async getDeletedKey(name, options) {
      return withSignal(options, async (signal) => model.readDeletedKey(await this.#named(NAMED.getDeleted, name, signal)));
    }

    async purgeDeletedKey(name, options) {
      return withSignal(options, async (signal) => {
        await this.#named(NAMED.purge, name, signal);
      });
    }

    async backupKey(name, options) {
      return withSignal(options, async (signal) => {
        const response = await this.#named(NAMED.backup, name, signal);
        return model.readBackup(response, (text) => this.#wasm.bytes(this.#wasm.core.decodeBackup(text)).slice());
      });
    }

    async restoreKeyBackup(backup, options) {
      return withSignal(options, async (signal) => {
        const bytes = args.bytes(backup, "backup");
        return model.readProperties(await this.#pipeline.run((core, id, now) => core.restore(id, now, bytes), signal));
      });
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
      const expiresOn = options.expiresIn === undefined ? undefined : new Date(addDuration(this.#wasm, Date.now(), options.expiresIn));
      return withSignal(options, async (signal) => {
        const current = model.readKey(await this.#get(name, undefined, signal));
        const value = typeof newValue === "function" ? await newValue(current) : newValue;
        const { contentType, tags, enabled } = current.properties;
        const v = args.string(value, "value");
        return model.readKey(await this.#write(false, name, v, { contentType, tags, enabled, expiresOn }, signal));
      });
    }
  };
}
