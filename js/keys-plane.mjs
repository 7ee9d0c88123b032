import * as args from "./args.mjs";
import { encodeBase64url } from "./base64.mjs";
import { keysShapes } from "./keys-model.mjs";
import { NAMED, Plane } from "./plane.mjs";

export { LIST } from "./plane.mjs";

/** The cryptographic operations as the core numbers them (src/wasm/mod.rs `crypto`). */
export const CRYPTO = { encrypt: 0, decrypt: 1, wrapKey: 2, unwrapKey: 3, sign: 4, verify: 5 };

/** The members of a `JsonWebKey` sent on import, as the core names them; all but kty and crv are bytes. */
const JWK_MEMBERS = ["kty", "n", "e", "d", "dp", "dq", "qi", "p", "q", "crv", "x", "y", "k", "t"];
const JWK_TEXT = new Set(["kty", "crv"]);

/** Optional bytes as base64url text. */
const optBytes = (v, what) => (v === undefined || v === null ? undefined : encodeBase64url(args.bytes(v, what)));

/** `releasePolicy { contentType, encodedPolicy, immutable }` as the core's three arguments. */
function releasePolicy(o, what) {
  const p = args.options(o.releasePolicy, `${what}.releasePolicy`);
  if (!p) return [undefined, undefined, 2];
  const at = `${what}.releasePolicy`;
  const data = p.encodedPolicy;
  if (data === undefined || data === null) throw new TypeError(`${at}.encodedPolicy is required`);
  return [
    encodeBase64url(args.bytes(data, `${at}.encodedPolicy`)),
    args.optStringOption(p, "contentType", at),
    args.tri(args.optBoolOption(p, "immutable", at)),
  ];
}

/** What create, import and update have in common, type-checked. */
function properties(options) {
  const o = args.options(options, "options") ?? {};
  return {
    o,
    enabled: args.tri(args.optBoolOption(o, "enabled", "options")),
    notBefore: args.optDateOption(o, "notBefore", "options"),
    expiresOn: args.optDateOption(o, "expiresOn", "options"),
    exportable: args.tri(args.optBoolOption(o, "exportable", "options")),
    tags: args.optTagsOption(o, "tags", "options"),
    policy: releasePolicy(o, "options"),
  };
}

/** A `JsonWebKey` to import as the core's name, value pairs (its `kid` is the service's to set). */
function jwkPairs(key) {
  const k = args.options(key, "key");
  if (!k) throw new TypeError("key must be a JsonWebKey");
  const flat = [];
  for (const member of JWK_MEMBERS) {
    const v = k[member];
    if (v === undefined || v === null) continue;
    flat.push(member, JWK_TEXT.has(member) ? args.string(v, `key.${member}`) : encodeBase64url(args.bytes(v, `key.${member}`)));
  }
  return { flat, keyOps: args.optStringsOption(k, "keyOps", "key") };
}

/** A rotation policy's actions as the core's triples. */
function lifetimeActions(policy) {
  const actions = policy.lifetimeActions;
  if (actions === undefined || actions === null) return [];
  if (!Array.isArray(actions)) throw new TypeError(`policy.lifetimeActions must be an array, not ${args.typeName(actions)}`);
  return actions.flatMap((a, i) => {
    const at = `policy.lifetimeActions[${i}]`;
    const o = args.options(a, at);
    if (!o) throw new TypeError(`${at} must be an object`);
    return [
      args.string(o.action, `${at}.action`),
      args.optStringOption(o, "timeAfterCreate", at) ?? "",
      args.optStringOption(o, "timeBeforeExpiry", at) ?? "",
    ];
  });
}

/** A cryptographic operation's arguments as the core takes them: [alg, value, iv, aad, tag], bytes as base64url. */
function encoded(which, algorithm, input, what, extra) {
  const alg = args.string(algorithm, "algorithm");
  const value = optBytes(input, what);
  if (which === CRYPTO.verify) return [alg, value, optBytes(extra?.signature, "signature")];
  return [
    alg,
    value,
    optBytes(extra?.iv, "iv"),
    optBytes(extra?.additionalAuthenticatedData, "additionalAuthenticatedData"),
    optBytes(extra?.authenticationTag, "authenticationTag"),
  ];
}

/**
 * The keys plane as the `/keys` entry uses it: besides what both planes share (js/plane.mjs),
 * creating and importing keys, updating properties, rotation and its policy, release, random
 * bytes and the cryptographic operations. Results have the shapes of @azure/keyvault-keys
 * (js/keys-model.mjs).
 */
export class KeysPlane extends Plane {
  constructor(wasm, defaultHttpClient, vaultUrl, credential, options, errors) {
    super(wasm, true, defaultHttpClient, vaultUrl, credential, options, keysShapes, errors);
  }

  /** `POST /keys/{name}/create` of a `kty` key with `options` (CreateKeyOptions). */
  async create(name, kty, options, signal) {
    const n = args.string(name, "name");
    const t = args.string(kty, "keyType");
    const p = properties(options);
    const size = args.optNumberOption(p.o, "keySize", "options", 2 ** 32 - 1, true);
    const exponent = args.optNumberOption(p.o, "publicExponent", "options", 2 ** 32 - 1, true);
    const curve = args.optStringOption(p.o, "curve", "options");
    const keyOps = args.optStringsOption(p.o, "keyOps", "options");
    return this.call(
      (core, id, now) =>
        core.writeKey(id, now, false, n, t, size, exponent, curve, undefined, 2, keyOps, p.enabled, p.notBefore, p.expiresOn, p.exportable, p.tags, ...p.policy),
      keysShapes.key,
      signal,
      n,
    );
  }

  /** `PUT /keys/{name}` of a `JsonWebKey` with `options` (ImportKeyOptions). */
  async import(name, key, options, signal) {
    const n = args.string(name, "name");
    const { flat, keyOps } = jwkPairs(key);
    const p = properties(options);
    const hsm = args.tri(args.optBoolOption(p.o, "hardwareProtected", "options"));
    return this.call(
      (core, id, now) =>
        core.writeKey(id, now, true, n, "", undefined, undefined, undefined, flat, hsm, keyOps, p.enabled, p.notBefore, p.expiresOn, p.exportable, p.tags, ...p.policy),
      keysShapes.key,
      signal,
      n,
    );
  }

  /** `PATCH` of the version named, or the latest (UpdateKeyPropertiesOptions). */
  async update(name, version, options, signal) {
    const n = args.string(name, "name");
    const v = args.optString(version, "keyVersion");
    const p = properties(options);
    const keyOps = args.optStringsOption(p.o, "keyOps", "options");
    return this.call(
      (core, id, now) => core.updateKey(id, now, n, v, keyOps, p.enabled, p.notBefore, p.expiresOn, p.tags, ...p.policy),
      keysShapes.key,
      signal,
      n,
    );
  }

  async rotate(name, signal) {
    return this.named(NAMED.rotate, name, keysShapes.key, signal);
  }

  async getRotationPolicy(name, signal) {
    return this.named(NAMED.getRotationPolicy, name, keysShapes.rotationPolicy, signal);
  }

  /** `PUT` of a rotation policy (`KeyRotationPolicyProperties`). */
  async updateRotationPolicy(name, policy, signal) {
    const n = args.string(name, "keyName");
    const p = args.options(policy, "policy");
    if (!p) throw new TypeError("policy must be a KeyRotationPolicyProperties object");
    const expiresIn = args.optStringOption(p, "expiresIn", "policy");
    const actions = lifetimeActions(p);
    return this.call((core, id, now) => core.rotationPolicy(id, now, n, expiresIn, actions), keysShapes.rotationPolicy, signal);
  }

  /** `POST .../release` (ReleaseKeyOptions: version, nonce, algorithm). */
  async release(name, target, options, signal) {
    const n = args.string(name, "name");
    const t = args.string(target, "targetAttestationToken");
    const o = args.options(options, "options") ?? {};
    // "" is the latest version, as for getKey.
    const version = args.optStringOption(o, "version", "options") || undefined;
    const nonce = args.optStringOption(o, "nonce", "options");
    const algorithm = args.optStringOption(o, "algorithm", "options");
    return this.call((core, id, now) => core.release(id, now, n, version, t, nonce, algorithm), keysShapes.release, signal);
  }

  async attestation(name, version, signal) {
    const n = args.string(name, "name");
    return this.call((core, id, now) => core.attestation(id, now, n, version), keysShapes.key, signal, n);
  }

  async randomBytes(count, signal) {
    if (typeof count !== "number") throw new TypeError(`count must be a number, not ${args.typeName(count)}`);
    if (!Number.isInteger(count) || count < 1 || count > 128) throw new RangeError(`count must be an integer from 1 to 128, not ${count}`);
    return this.call((core, id, now) => core.randomBytes(id, now, count), keysShapes.randomBytes, signal);
  }

  /**
   * Refuses what the core would refuse of a cryptographic operation, before anything else
   * happens: arguments as `crypto`'s, `input` and `extra` checked only when given.
   */
  checkCrypto(which, algorithm, input, what, extra) {
    const [alg, value, iv, aad, tag] = encoded(which, algorithm, input, what, extra);
    return this.check((core) => core.checkCrypto(which, alg, value, iv, aad, tag));
  }

  /**
   * A cryptographic operation (`CRYPTO`) on version `version` (or the latest) of key `name`:
   * `input` is the plaintext, ciphertext, key, encrypted key or digest; `extra` optionally
   * `{ iv, additionalAuthenticatedData, authenticationTag }`, or for verify `{ signature }`.
   * The answer as `{ kid, result, iv, authenticationTag, additionalAuthenticatedData }`, or
   * `{ result }` (a boolean) for verify.
   */
  async crypto(which, name, version, algorithm, input, what, extra, signal) {
    const [alg, value, iv, aad, tag] = encoded(which, algorithm, input, what, extra);
    const shape = which === CRYPTO.verify ? keysShapes.verified : keysShapes.operated;
    return this.call((core, id, now) => core.crypto(id, now, which, name, version, alg, value, iv, aad, tag), shape, signal);
  }
}
