import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import { decodeBase64, encodeBase64url } from "./base64.mjs";
import { pagedIterator } from "./paging.mjs";
import { credentialFunction, Pipeline, Wasm } from "./pipeline.mjs";
import { KeyPoller } from "./poller.mjs";
import { page, read } from "./model.mjs";
import { backup } from "./secrets-model.mjs";

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

/** A backup answer read as bytes. */
const readBackup = backup(decodeBase64);

// Which listing and which operation on a name, as the core numbers them (src/wasm/mod.rs).
export const LIST = { secrets: 0, versions: 1, deleted: 2 };
const NAMED = { delete: 0, getDeleted: 1, recover: 2, purge: 3, backup: 4 };

/**
 * The secrets plane as the entries use it: one wasm `Core` and its pipeline, each operation
 * from checked arguments to a shaped result. The root entry's `KeyClient` and the drop-in
 * `SecretClient` are facades over it; `shapes` (from js/secrets-model.mjs) says what their
 * results look like and `errors` what their errors are. Everything here is orchestration
 * (argument types, iterators, pollers, abort); rules and retries are decided in Rust.
 */
export class SecretsPlane {
  #wasm;
  #pipeline;
  #shapes;

  /** @param wasm `{ glue, exports }` of an initialised module (the glue's `Core`, the memory) */
  constructor(wasm, defaultHttpClient, vaultUrl, credential, options, shapes, errors) {
    const url = args.string(vaultUrl, "vaultUrl");
    const getToken = credentialFunction(credential);
    const o = clientOptions(options);
    const w = new Wasm(new wasm.glue.Core(), wasm.exports.memory);
    const refused = w.core.configure(
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
    // A bad vault URL, api-version or user-agent prefix: the core's message.
    if (refused !== 0) throw new RangeError(w.text(refused));
    this.#wasm = w;
    this.#shapes = shapes;
    this.#pipeline = new Pipeline(w, getToken, o.httpClient ?? defaultHttpClient, o.retry.tryTimeoutInMs, errors);
  }

  /** The vault's URL, normalised. */
  get vaultUrl() {
    return this.#pipeline.origin;
  }

  /** `ms` plus an ISO-8601 duration, calendar-correct (the core's arithmetic). */
  addDuration(ms, duration) {
    const result = this.#wasm.core.addDuration(ms, args.string(duration, "duration"));
    if (Number.isNaN(result)) throw new RangeError(this.#wasm.text(this.#wasm.core.lastText()));
    return result;
  }

  #read(response, shape) {
    return read(this.#pipeline, response, shape);
  }

  #write(update, name, text, options, signal) {
    const n = args.string(name, "name");
    const o = args.keyOptions(options);
    return this.#pipeline.run(
      (core, id, now) => core.write(id, now, update, n, text, o.contentType, o.enabled, o.notBefore, o.expiresOn, o.tags),
      signal,
    );
  }

  #get(name, version, signal) {
    const n = args.string(name, "name");
    return this.#pipeline.run((core, id, now) => core.get(id, now, n, version), signal);
  }

  #named(which, name, signal) {
    const n = args.string(name, "name");
    return this.#pipeline.run((core, id, now) => core.named(id, now, which, n), signal);
  }

  /** `PUT`: a new version holding `value` and exactly these options. */
  async set(name, value, options, signal) {
    const v = args.string(value, "value");
    return this.#read(await this.#write(false, name, v, options, signal), this.#shapes.value);
  }

  /** `GET` of the version named, or the latest (`version` undefined). */
  async get(name, version, signal) {
    return this.#read(await this.#get(name, version, signal), this.#shapes.value);
  }

  /** `PATCH` of the version named, or the latest: only the given properties, never the value. */
  async update(name, version, options, signal) {
    const v = args.optString(version, "version");
    return this.#read(await this.#write(true, name, v, options, signal), this.#shapes.properties);
  }

  async getDeleted(name, signal) {
    return this.#read(await this.#named(NAMED.getDeleted, name, signal), this.#shapes.deleted);
  }

  async purge(name, signal) {
    await this.#named(NAMED.purge, name, signal);
  }

  async backup(name, signal) {
    return this.#read(await this.#named(NAMED.backup, name, signal), readBackup);
  }

  async restore(bytes, signal) {
    const b = encodeBase64url(args.bytes(bytes, "backup"));
    return this.#read(await this.#pipeline.run((core, id, now) => core.restore(id, now, b), signal), this.#shapes.properties);
  }

  /**
   * A paged iterator over one listing (`LIST`), with the call options of every page.
   * `keep` optionally filters: `{ start() }` runs before each page, `item(x)` keeps an item.
   */
  list(which, name, options, keep) {
    const item = which === LIST.deleted ? this.#shapes.deleted : this.#shapes.properties;
    const shape = page(item);
    return pagedIterator(
      (token, max) =>
        withSignal(options, async (signal) => {
          const n = which === LIST.versions ? args.string(name, "name") : undefined;
          const t = args.optString(token, "continuationToken");
          const m = args.pageSize(max);
          keep?.start();
          const response = await this.#pipeline.run((core, id, now) => core.list(id, now, which, n, m, t), signal);
          return this.#read(response, shape);
        }),
      keep?.item,
    );
  }

  /** Starts deleting; the poller finishes when the deletion is visible. */
  async beginDelete(name, options = {}) {
    const poller = new KeyPoller(
      "delete",
      name,
      {
        start: async (signal) => this.#read(await this.#named(NAMED.delete, name, signal), this.#shapes.deleted),
        // A vault without soft delete has nothing to wait for.
        finishedAtStart: (deleted) => deleted.recoveryId === undefined,
        check: (signal, started) =>
          this.#settled(this.#named(NAMED.getDeleted, name, signal), this.#shapes.deleted, started),
      },
      options,
    );
    await poller.poll(options);
    return poller;
  }

  /** Starts recovering; the poller finishes when the secret can be read again. */
  async beginRecover(name, options = {}) {
    const poller = new KeyPoller(
      "recover",
      name,
      {
        start: async (signal) => this.#read(await this.#named(NAMED.recover, name, signal), this.#shapes.properties),
        check: async (signal, started) => {
          const got = await this.#settled(this.#get(name, undefined, signal), this.#shapes.value, { properties: started });
          return got?.properties;
        },
      },
      options,
    );
    await poller.poll(options);
    return poller;
  }

  /**
   * A check's answer: the new state, or undefined while the service still says 404. A 403
   * means the caller may not read the object but the operation is done (as the official SDK
   * treats it): the answer is then `otherwise`.
   */
  async #settled(response, shape, otherwise) {
    try {
      return this.#read(await response, shape);
    } catch (e) {
      if (e?.statusCode === 404) return undefined;
      if (e?.statusCode === 403) return otherwise;
      throw e;
    }
  }
}
