import * as args from "./args.mjs";
import { Plane } from "./plane.mjs";

export { LIST } from "./plane.mjs";

/**
 * The secrets plane as the entries use it: the root entry's `KeyClient` and the drop-in
 * `SecretClient` are facades over it. Besides what both planes share (js/plane.mjs): setting
 * a value and updating properties.
 */
export class SecretsPlane extends Plane {
  #shapes;

  constructor(wasm, defaultHttpClient, vaultUrl, credential, options, shapes, errors) {
    super(wasm, false, defaultHttpClient, vaultUrl, credential, options, shapes, errors);
    this.#shapes = shapes;
  }

  #write(update, name, text, options, shape, signal) {
    const n = args.string(name, "name");
    const o = args.keyOptions(options);
    return this.call(
      (core, id, now) => core.write(id, now, update, n, text, o.contentType, o.enabled, o.notBefore, o.expiresOn, o.tags),
      shape,
      signal,
      n,
    );
  }

  /** `PUT`: a new version holding `value` and exactly these options. */
  async set(name, value, options, signal) {
    const v = args.string(value, "value");
    return this.#write(false, name, v, options, this.#shapes.value, signal);
  }

  /** `PATCH` of the version named, or the latest: only the given properties, never the value. */
  async update(name, version, options, signal) {
    const v = args.optString(version, "version");
    return this.#write(true, name, v, options, this.#shapes.properties, signal);
  }
}
