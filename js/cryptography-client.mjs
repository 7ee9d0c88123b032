/**
 * The `CryptographyClient` of the `/keys` entry, as @azure/keyvault-keys has it: built from a
 * key identifier, a `KeyVaultKey`, or a `JsonWebKey` (local only). What the key in hand can do
 * runs here through WebCrypto, with no request (js/crypto-local.mjs): RSA-OAEP and RSA-OAEP-256
 * encryption and key wrapping, verifying signatures over data, and AES-CBC-PAD with a local
 * symmetric key. Everything else goes to the service. From an identifier, the key is fetched
 * once, on the first operation (a 403 leaves the client remote-only), as the official client
 * does; its validity dates and operations are checked before each use, with the official
 * messages.
 */
import { withSignal } from "./abort.mjs";
import * as args from "./args.mjs";
import {
  aesCbcLocally,
  canAesLocally,
  checkDigest,
  canEncryptLocally,
  canVerifyDataLocally,
  digestFor,
  encryptLocally,
  verifyDataLocally,
} from "./crypto-local.mjs";
import { CRYPTO } from "./keys-plane.mjs";
import { parseKeyVaultIdentifier } from "./official.mjs";

/** The key's id parsed, or the official client's error for anything that is not a key's id. */
function parseKeyId(id) {
  let parsed;
  try {
    parsed = parseKeyVaultIdentifier(id);
  } catch {}
  if (!parsed?.name || !parsed.vaultUrl || new URL(parsed.sourceId.trim()).pathname.split("/")[1] !== "keys") {
    throw new Error(`${id} is not a valid Key Vault key ID`);
  }
  return parsed;
}

/** `(parameters, options)` or `(algorithm, input, options)`: [parameters, options]. */
function parametersOf(rest, input) {
  if (typeof rest[0] === "string") return [{ algorithm: rest[0], [input]: rest[1] }, rest[2]];
  const p = args.options(rest[0], "parameters");
  if (!p) throw new TypeError("parameters must be an object with algorithm and " + input);
  return [p, rest[1]];
}

/** The plane of a client that was given a KeyVaultKey and no credential: it runs locally only. */
const NO_CREDENTIAL = Object.freeze({});

/** Optional bytes of the parameters. */
const optBytes = (p, key) => (p[key] === undefined || p[key] === null ? undefined : args.bytes(p[key], key));

/**
 * Builds the class over `newPlane(vaultUrl, credential, options)`, and
 * `cryptographyClientOf(id, plane)`, which `KeyClient.getCryptographyClient` uses to share its
 * plane (connection, token) with the new client.
 */
export function defineCryptographyClient(newPlane) {
  /** `{ plane, name, version }` handed to the next constructor call by `cryptographyClientOf`. */
  let handed;

  class CryptographyClient {
    /** `{ kind: "identifier" | "remoteOnlyIdentifier" | "KeyVaultKey" | "JsonWebKey", value }`, as the official client names them. */
    #key;
    /** The keys plane; undefined for a local-only client; `NO_CREDENTIAL` for a KeyVaultKey given without a credential. */
    #plane;
    #vaultUrl = "";
    #name;
    #version;

    constructor(key, credential, pipelineOptions) {
      const given = handed;
      handed = undefined;
      if (typeof key === "string") {
        this.#key = { kind: "identifier", value: key };
      } else if (key !== null && typeof key === "object" && "name" in key) {
        this.#key = { kind: "KeyVaultKey", value: key };
      } else if (key !== null && typeof key === "object") {
        this.#key = { kind: "JsonWebKey", value: key };
        return;
      } else {
        throw new TypeError(`key must be a key identifier, a KeyVaultKey or a JsonWebKey, not ${args.typeName(key)}`);
      }
      if (given) {
        ({ plane: this.#plane, name: this.#name, version: this.#version } = given);
        this.#vaultUrl = given.plane.vaultUrl;
        return;
      }
      const parsed = parseKeyId(typeof key === "string" ? key : key.id);
      this.#vaultUrl = parsed.vaultUrl;
      this.#name = parsed.name;
      this.#version = parsed.version;
      // A KeyVaultKey without a credential works locally, as the official client's does; what
      // would go to the service then reports the missing credential.
      this.#plane =
        credential === undefined && this.#key.kind === "KeyVaultKey"
          ? NO_CREDENTIAL
          : newPlane(parsed.vaultUrl, credential, pipelineOptions);
    }

    /** The vault's URL; "" for a local-only client. */
    get vaultUrl() {
      return this.#vaultUrl;
    }

    /** The key's id: as given, or the fetched key's (with its version). */
    get keyID() {
      const { kind, value } = this.#key;
      if (kind === "KeyVaultKey") return value.id;
      if (kind === "JsonWebKey") return value.kid;
      return value;
    }

    async encrypt(...rest) {
      const [p, options] = parametersOf(rest, "plaintext");
      const algorithm = args.string(p.algorithm, "algorithm");
      const plaintext = args.bytes(p.plaintext, "plaintext");
      // authenticationTag is an output of encryption: given here, the check refuses it.
      const extra = {
        iv: optBytes(p, "iv"),
        additionalAuthenticatedData: optBytes(p, "additionalAuthenticatedData"),
        authenticationTag: optBytes(p, "authenticationTag"),
      };
      return this.#run("encrypt", "encrypt", CRYPTO.encrypt, algorithm, plaintext, extra, options, async (key) => {
        if (canEncryptLocally(key, algorithm)) {
          return { algorithm, keyID: key.kid, result: await encryptLocally(key, algorithm, plaintext) };
        }
        if (canAesLocally(key, algorithm)) {
          const iv = extra.iv ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
          return { algorithm, result: await aesCbcLocally(key, algorithm, plaintext, iv, false), iv };
        }
      }, async (signal) => {
        const r = await this.#remote(CRYPTO.encrypt, algorithm, plaintext, "plaintext", extra, signal);
        return {
          algorithm,
          result: r.result,
          keyID: this.keyID,
          additionalAuthenticatedData: r.additionalAuthenticatedData,
          authenticationTag: r.authenticationTag,
          iv: r.iv,
        };
      });
    }

    async decrypt(...rest) {
      const [p, options] = parametersOf(rest, "ciphertext");
      const algorithm = args.string(p.algorithm, "algorithm");
      const ciphertext = args.bytes(p.ciphertext, "ciphertext");
      const extra = {
        iv: optBytes(p, "iv"),
        additionalAuthenticatedData: optBytes(p, "additionalAuthenticatedData"),
        authenticationTag: optBytes(p, "authenticationTag"),
      };
      return this.#run("decrypt", "decrypt", CRYPTO.decrypt, algorithm, ciphertext, extra, options, async (key) => {
        if (canAesLocally(key, algorithm)) {
          if (!extra.iv) throw new RangeError(`iv is required to decrypt with ${algorithm}`);
          return { algorithm, result: await aesCbcLocally(key, algorithm, ciphertext, extra.iv, true) };
        }
      }, async (signal) => {
        const r = await this.#remote(CRYPTO.decrypt, algorithm, ciphertext, "ciphertext", extra, signal);
        return { result: r.result, keyID: this.keyID, algorithm };
      });
    }

    async wrapKey(algorithm, key, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(key, "key");
      return this.#run("wrapKey", "wrapKey", CRYPTO.wrapKey, alg, input, undefined, options, async (material) => {
        if (canEncryptLocally(material, alg)) {
          return { algorithm: alg, result: await encryptLocally(material, alg, input), keyID: material.kid };
        }
      }, async (signal) => {
        const r = await this.#remote(CRYPTO.wrapKey, alg, input, "key", undefined, signal);
        return { result: r.result, algorithm: alg, keyID: this.keyID };
      });
    }

    async unwrapKey(algorithm, encryptedKey, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(encryptedKey, "encryptedKey");
      return this.#run("unwrapKey", "unwrapKey", CRYPTO.unwrapKey, alg, input, undefined, options, undefined, async (signal) => {
        const r = await this.#remote(CRYPTO.unwrapKey, alg, input, "encryptedKey", undefined, signal);
        return { result: r.result, algorithm: alg, keyID: this.keyID };
      });
    }

    async sign(algorithm, digest, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(digest, "digest");
      return this.#run("sign", "sign", CRYPTO.sign, alg, input, undefined, options, undefined, (signal) => this.#sign(alg, input, signal));
    }

    async verify(algorithm, digest, signature, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(digest, "digest");
      const sig = args.bytes(signature, "signature");
      return this.#run("verify", "verify", CRYPTO.verify, alg, input, { signature: sig }, options, undefined, (signal) => this.#verify(alg, input, sig, signal));
    }

    async signData(algorithm, data, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(data, "data");
      checkDigest(alg, "signData");
      return this.#run("sign", "signData", CRYPTO.sign, alg, undefined, undefined, options, undefined, async (signal) =>
        this.#sign(alg, await digestFor(alg, input), signal),
      );
    }

    async verifyData(algorithm, data, signature, options) {
      const alg = args.string(algorithm, "algorithm");
      const input = args.bytes(data, "data");
      const sig = args.bytes(signature, "signature");
      checkDigest(alg, "verifyData");
      return this.#run("verify", "verifyData", CRYPTO.verify, alg, undefined, { signature: sig }, options, async (key) => {
        if (canVerifyDataLocally(key, alg)) return { result: await verifyDataLocally(key, alg, input, sig), keyID: key.kid };
      }, async (signal) => this.#verify(alg, await digestFor(alg, input), sig, signal));
    }

    async #sign(algorithm, digest, signal) {
      const r = await this.#remote(CRYPTO.sign, algorithm, digest, "digest", undefined, signal);
      return { result: r.result, algorithm, keyID: this.keyID };
    }

    async #verify(algorithm, digest, signature, signal) {
      const r = await this.#remote(CRYPTO.verify, algorithm, digest, "digest", { signature }, signal);
      return { result: r.result, keyID: this.keyID };
    }


    /**
     * One operation: arguments checked first (no request for a bad one), then the key fetched
     * if it has not been, its dates and operations checked (`keyOp`), then `local(key)` when
     * the key material is in hand (its answer, or undefined when it cannot), else `remote`.
     */
    async #run(keyOp, operation, which, algorithm, input, extra, options, local, remote) {
      await this.#plane?.checkCrypto?.(which, algorithm, input, "input", extra);
      return withSignal(options, async (signal) => {
        const key = await this.#fetchKey(signal);
        ensureValid(key, keyOp);
        const material = key.kind === "KeyVaultKey" ? key.value.key : key.kind === "JsonWebKey" ? key.value : undefined;
        const answer = material && local ? await local(material) : undefined;
        if (answer) return answer;
        if (!this.#plane) {
          throw new Error(`Unable to support operation: "${operation}" with algorithm: "${algorithm}" using a local JsonWebKey`);
        }
        if (this.#plane === NO_CREDENTIAL) {
          throw new TypeError(`${operation} with ${algorithm} runs in the vault: construct the CryptographyClient with a credential`);
        }
        return remote(signal);
      });
    }

    #remote(which, algorithm, input, what, extra, signal) {
      return this.#plane.crypto(which, this.#name, this.#version, algorithm, input, what, extra, signal);
    }

    /** The key, fetched once from an identifier (a 403 leaves the client remote-only). */
    async #fetchKey(signal) {
      if (this.#key.kind !== "identifier") return this.#key;
      try {
        const key = await this.#plane.get(this.#name, this.#version, signal);
        this.#key = { kind: "KeyVaultKey", value: key };
        this.#version = key.properties.version;
      } catch (e) {
        if (e?.statusCode !== 403) throw e;
        this.#key = { kind: "remoteOnlyIdentifier", value: this.#key.value };
      }
      return this.#key;
    }
  }

  /** A client over `plane`, for version `version` (or the latest) of key `name`, whose id is `id`. */
  const cryptographyClientOf = (id, plane, name, version) => {
    handed = { plane, name, version };
    try {
      return new CryptographyClient(id);
    } finally {
      handed = undefined;
    }
  };

  return { CryptographyClient, cryptographyClientOf };
}

/** The official client's checks of a key before use, with its messages. */
function ensureValid(key, operation) {
  if (key.kind === "KeyVaultKey") {
    const { notBefore, expiresOn } = key.value.properties;
    const now = new Date();
    if (notBefore && now < notBefore) throw new Error(`Key ${key.value.id} can't be used before ${notBefore.toISOString()}`);
    if (expiresOn && now > expiresOn) throw new Error(`Key ${key.value.id} expired at ${expiresOn.toISOString()}`);
    const ops = key.value.keyOperations;
    if (ops && !ops.includes(operation)) throw new Error(`Operation ${operation} is not supported on key ${key.value.id}`);
  } else if (key.kind === "JsonWebKey") {
    const ops = key.value.keyOps;
    if (ops && !ops.includes(operation)) throw new Error(`Operation ${operation} is not supported on key ${key.value.kid}`);
  }
}
