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
export const LIST = { items: 0, versions: 1, deleted: 2 };
export const NAMED = { delete: 0, getDeleted: 1, recover: 2, purge: 3, backup: 4, rotate: 5, getRotationPolicy: 6 };

/**
 * What both planes do alike: one wasm `Core` configured for the plane and its pipeline, and
 * the operations on an object by name (get, delete, recover, purge, backup, restore, the
 * listings), each from checked arguments to a shaped result. `shapes` (js/secrets-model.mjs,
 * js/keys-model.mjs) says what results look like: `value` (an object read whole),
 * `properties`, `deleted`, and optionally `deletedItem` (an item of the deleted listing) and
 * `recovered` (a recovery's answer and result; by default the value's properties); `errors`
 * says what errors are. Everything here is orchestration (argument types, iterators, pollers,
 * abort); rules and retries are decided in Rust.
 */
export class Plane {
  #wasm;
  #pipeline;
  #shapes;
  /** Until the wasm module is loaded: what sets the client up once it is, and its promise. */
  #setup;
  #ready;
  #given;

  /**
   * @param wasm the plane's module (js/wasm-loader.mjs): the glue's `Core`, the memory
   * @param keys whether this is the keys plane (else the secrets plane)
   */
  constructor(wasm, keys, defaultHttpClient, vaultUrl, credential, options, shapes, errors) {
    const url = args.string(vaultUrl, "vaultUrl");
    const getToken = credentialFunction(credential);
    const o = clientOptions(options);
    this.#shapes = shapes;
    this.#given = url;
    const setup = (module) => {
      const w = new Wasm(new module.glue.Core(), module.exports.memory);
      const refused = w.core.configure(
        keys,
        url,
        o.allowInsecure,
        !o.disableVerification,
        o.serviceVersion,
        o.userAgentPrefix,
        o.retry.maxRetries,
        o.retry.retryDelayInMs,
        o.retry.maxRetryDelayInMs,
        o.retry.maxRetryElapsedTimeInMs,
        Math.random() * 2 ** 52,
      );
      // A bad vault URL, api-version or user-agent prefix: the core's message.
      if (refused !== 0) throw new RangeError(w.text(refused));
      this.#wasm = w;
      this.#pipeline = new Pipeline(w, getToken, o.httpClient ?? defaultHttpClient, o.retry.tryTimeoutInMs, errors);
    };
    const loaded = wasm.loaded();
    if (loaded) setup(loaded);
    // Else checked when the module has loaded: the first call rejects with what is wrong.
    else this.#setup = () => wasm.load().then(setup);
  }

  /** The pipeline, once the module has loaded; a failure to load rejects, and the next call tries again. */
  async #loaded() {
    if (!this.#pipeline) {
      this.#ready ??= this.#setup();
      try {
        await this.#ready;
      } catch (e) {
        this.#ready = undefined;
        throw e;
      }
    }
    return this.#pipeline;
  }

  /** The vault's URL, normalised (as given until the module has loaded). */
  get vaultUrl() {
    return this.#pipeline?.origin ?? this.#given;
  }

  /** `ms` plus an ISO-8601 duration, calendar-correct (the core's arithmetic). */
  async addDuration(ms, duration) {
    const d = args.string(duration, "duration");
    await this.#loaded();
    const result = this.#wasm.core.addDuration(ms, d);
    if (Number.isNaN(result)) throw new RangeError(this.#wasm.text(this.#wasm.core.lastText()));
    return result;
  }

  /** Runs a check of the core that answers 0, or a RangeError's message (thrown). */
  async check(run) {
    await this.#loaded();
    const at = run(this.#wasm.core);
    if (at !== 0) throw new RangeError(this.#wasm.text(at));
  }

  /**
   * Runs one operation begun by `start(core, id, now)` and reads its answer with `shape`; with
   * `name`, an operation on that object, whose answer must name it (js/model.mjs `read`).
   */
  async call(start, shape, signal, name) {
    const pipeline = await this.#loaded();
    return read(pipeline, await pipeline.run(start, signal), shape, name);
  }

  async #get(name, version, signal) {
    const n = args.string(name, "name");
    return (await this.#loaded()).run((core, id, now) => core.get(id, now, n, version), signal);
  }

  async #named(which, name, signal) {
    const n = args.string(name, "name");
    return (await this.#loaded()).run((core, id, now) => core.named(id, now, which, n), signal);
  }

  /** One of the operations on a name (`NAMED`), its answer read with `shape`. */
  async named(which, name, shape, signal) {
    return read(this.#pipeline, await this.#named(which, name, signal), shape, name);
  }

  /** `GET` of the version named, or the latest (`version` undefined). */
  async get(name, version, signal) {
    return read(this.#pipeline, await this.#get(name, version, signal), this.#shapes.value, name);
  }

  async getDeleted(name, signal) {
    return this.named(NAMED.getDeleted, name, this.#shapes.deleted, signal);
  }

  async purge(name, signal) {
    await this.#named(NAMED.purge, name, signal);
  }

  async backup(name, signal) {
    return this.named(NAMED.backup, name, readBackup, signal);
  }

  async restore(bytes, signal) {
    const b = encodeBase64url(args.bytes(bytes, "backup"));
    return this.call((core, id, now) => core.restore(id, now, b), this.#shapes.restored ?? this.#shapes.properties, signal);
  }

  /**
   * A paged iterator over one listing (`LIST`), with the call options of every page.
   * `keep` optionally filters: `{ start() }` runs before each page, `item(x)` keeps an item.
   */
  list(which, name, options, keep) {
    const item = which === LIST.deleted ? (this.#shapes.deletedItem ?? this.#shapes.deleted) : this.#shapes.properties;
    const shape = page(item);
    return pagedIterator(
      (token, max) =>
        withSignal(options, async (signal) => {
          const n = which === LIST.versions ? args.string(name, "name") : undefined;
          const t = args.optString(token, "continuationToken");
          const m = args.pageSize(max);
          await keep?.start();
          return this.call((core, id, now) => core.list(id, now, which, n, m, t), shape, signal);
        }),
      keep?.item,
    );
  }

  /**
   * Starts deleting, as the official pollers do: the deletion, then at once a read of the
   * deleted object; the poller is done when that read succeeds (at once in a vault without
   * soft delete, whose deletion has no recoveryId).
   */
  async beginDelete(name, options = {}) {
    const shape = this.#shapes.deleted;
    const getDeleted = (signal) => this.#settled(this.#named(NAMED.getDeleted, name, signal), shape, name);
    let done = false;
    const poller = new KeyPoller(
      "delete",
      name,
      {
        start: async (signal) => {
          const deleted = await this.named(NAMED.delete, name, shape, signal);
          if (deleted.properties.recoveryId === undefined) return (done = true), deleted;
          const seen = await getDeleted(signal);
          done = seen !== undefined;
          return seen === null || seen === undefined ? deleted : seen;
        },
        finishedAtStart: () => done,
        check: async (signal, started) => {
          const seen = await getDeleted(signal);
          return seen === null ? started : seen;
        },
      },
      options,
    );
    await poller.poll(options);
    return poller;
  }

  /**
   * Starts recovering, as the official pollers do: an object that can be read already is the
   * result, with no recovery sent (so recovering twice succeeds); otherwise the recovery, then
   * at once a read; the poller is done when the object can be read.
   */
  async beginRecover(name, options = {}) {
    const recovered = this.#shapes.recovered ?? { shape: this.#shapes.properties, fromValue: (v) => v.properties };
    const read = async (signal) => {
      const got = await this.#settled(this.#get(name, undefined, signal), this.#shapes.value, name);
      return got && recovered.fromValue(got);
    };
    let done = false;
    const poller = new KeyPoller(
      "recover",
      name,
      {
        start: async (signal) => {
          // Any failure of this read (404 while deleted, 403, a bad name) leaves it to the recovery.
          const live = await read(signal).catch(() => undefined);
          if (live) return (done = true), live;
          const result = await this.named(NAMED.recover, name, recovered.shape, signal);
          const seen = await read(signal);
          done = seen !== undefined;
          return seen ?? result;
        },
        finishedAtStart: () => done,
        check: async (signal, started) => {
          const seen = await read(signal);
          return seen === null ? started : seen;
        },
      },
      options,
    );
    await poller.poll(options);
    return poller;
  }

  /**
   * A check's answer: the new state; undefined while the service still says 404; null for a
   * 403, which means the caller may not read the object but the operation is done (as the
   * official SDK treats it).
   */
  async #settled(response, shape, name) {
    try {
      return read(this.#pipeline, await response, shape, name);
    } catch (e) {
      if (e?.statusCode === 404) return undefined;
      if (e?.statusCode === 403) return null;
      throw e;
    }
  }

}
