/**
 * The public-key operations a CryptographyClient can do without the service, through WebCrypto
 * (`globalThis.crypto.subtle`: Node 20, browsers, Deno, Bun, Workers), so they cost no wasm
 * bytes and no request: RSA-OAEP and RSA-OAEP-256 encryption (and key wrapping, the same
 * operation), and verifying a signature over data (RS*, PS*, ES256/384/512). Hashing for
 * `signData` / `verifyData` too. What WebCrypto lacks (RSA1_5, ES256K, and verifying a
 * precomputed digest) and every private-key operation go to the service. A symmetric key in
 * hand (a local `JsonWebKey` with `k`) encrypts and decrypts with A128/192/256CBCPAD (AES-CBC
 * with PKCS#7 padding, WebCrypto's AES-CBC).
 *
 * Keys are `JsonWebKey`s in the official shape (key material as `Uint8Array`s).
 */
import { encodeBase64url } from "./base64.mjs";

const subtle = () => globalThis.crypto?.subtle;

/** The hash of each signature algorithm, and the WebCrypto parameters that verify it. */
const SIGNATURES = {
  RS256: { hash: "SHA-256", params: { name: "RSASSA-PKCS1-v1_5" } },
  RS384: { hash: "SHA-384", params: { name: "RSASSA-PKCS1-v1_5" } },
  RS512: { hash: "SHA-512", params: { name: "RSASSA-PKCS1-v1_5" } },
  // Key Vault's PSS salt is as long as the digest.
  PS256: { hash: "SHA-256", params: { name: "RSA-PSS", saltLength: 32 } },
  PS384: { hash: "SHA-384", params: { name: "RSA-PSS", saltLength: 48 } },
  PS512: { hash: "SHA-512", params: { name: "RSA-PSS", saltLength: 64 } },
  // ECDSA signatures are r‖s, in Key Vault as in WebCrypto.
  ES256: { hash: "SHA-256", params: { name: "ECDSA", hash: "SHA-256" }, curve: "P-256" },
  ES384: { hash: "SHA-384", params: { name: "ECDSA", hash: "SHA-384" }, curve: "P-384" },
  ES512: { hash: "SHA-512", params: { name: "ECDSA", hash: "SHA-512" }, curve: "P-521" },
};

const ENCRYPTIONS = { "RSA-OAEP": "SHA-1", "RSA-OAEP-256": "SHA-256" };

/** The digest `signData` and `verifyData` sign: SHA-256/384/512 by the algorithm's suffix; ES256K is SHA-256. */
const DIGESTS = { ...Object.fromEntries(Object.entries(SIGNATURES).map(([alg, s]) => [alg, s.hash])), ES256K: "SHA-256" };

/** Refuses, with a RangeError, an algorithm whose digest this module cannot compute (`what` names the operation). */
export function checkDigest(algorithm, what) {
  if (!Object.hasOwn(DIGESTS, algorithm)) {
    throw new RangeError(`algorithm for ${what} must be one of ${Object.keys(DIGESTS).join(", ")}: ${JSON.stringify(algorithm)}`);
  }
  if (subtle() === undefined) throw new Error(`${what} needs WebCrypto (globalThis.crypto.subtle), which this runtime lacks`);
}

/** The digest of `data` that `algorithm` signs. */
export async function digestFor(algorithm, data) {
  return new Uint8Array(await subtle().digest(DIGESTS[algorithm], data));
}

const isRsa = (key) => key?.kty === "RSA" || key?.kty === "RSA-HSM";
const isEc = (key) => key?.kty === "EC" || key?.kty === "EC-HSM";

/** Whether `key` (a public JsonWebKey) can encrypt or wrap with `algorithm` here. */
export function canEncryptLocally(key, algorithm) {
  return subtle() !== undefined && Object.hasOwn(ENCRYPTIONS, algorithm) && isRsa(key) && key.n !== undefined && key.e !== undefined;
}

/** Whether `key` can verify a signature over data with `algorithm` here. */
export function canVerifyDataLocally(key, algorithm) {
  const s = Object.hasOwn(SIGNATURES, algorithm) ? SIGNATURES[algorithm] : undefined;
  if (!s || subtle() === undefined) return false;
  if (s.curve) return isEc(key) && key.crv === s.curve && key.x !== undefined && key.y !== undefined;
  return isRsa(key) && key.n !== undefined && key.e !== undefined;
}

/** The public half of `key` as WebCrypto's JWK. */
function publicJwk(key) {
  return isRsa(key)
    ? { kty: "RSA", n: encodeBase64url(key.n), e: encodeBase64url(key.e), ext: true }
    : { kty: "EC", crv: key.crv, x: encodeBase64url(key.x), y: encodeBase64url(key.y), ext: true };
}

/**
 * `run()`, with WebCrypto's failures (a key it cannot import, an input it refuses) reported
 * as an Error that names the operation and the key, WebCrypto's error as its cause.
 */
async function webCrypto(key, operation, algorithm, run) {
  try {
    return await run();
  } catch (e) {
    const why = typeof e?.message === "string" && e.message ? e.message : String(e);
    throw new Error(`${operation} with ${algorithm} failed for key ${key.kid ?? "(a key without kid)"}: ${why}`, { cause: e });
  }
}

/** RSA-OAEP or RSA-OAEP-256 encryption of `plaintext` with the public key. */
export function encryptLocally(key, algorithm, plaintext) {
  return webCrypto(key, "encrypt", algorithm, async () => {
    const params = { name: "RSA-OAEP", hash: ENCRYPTIONS[algorithm] };
    const cryptoKey = await subtle().importKey("jwk", publicJwk(key), params, false, ["encrypt"]);
    return new Uint8Array(await subtle().encrypt({ name: "RSA-OAEP" }, cryptoKey, plaintext));
  });
}

/** Whether `signature` is `algorithm`'s signature of `data` under the public key. */
export function verifyDataLocally(key, algorithm, data, signature) {
  return webCrypto(key, "verifyData", algorithm, async () => {
    const s = SIGNATURES[algorithm];
    const importParams = s.curve ? { name: "ECDSA", namedCurve: s.curve } : { name: s.params.name, hash: s.hash };
    const cryptoKey = await subtle().importKey("jwk", publicJwk(key), importParams, false, ["verify"]);
    return subtle().verify(s.params, cryptoKey, signature, data);
  });
}

/** The AES-CBC-PAD algorithms and their key sizes in bytes. */
const AES_CBC_PAD = { A128CBCPAD: 16, A192CBCPAD: 24, A256CBCPAD: 32 };

/** Whether `key` holds the symmetric key `algorithm` needs here. */
export function canAesLocally(key, algorithm) {
  const size = Object.hasOwn(AES_CBC_PAD, algorithm) ? AES_CBC_PAD[algorithm] : 0;
  return subtle() !== undefined && (key?.kty === "oct" || key?.kty === "oct-HSM") && key.k?.length >= size && size > 0;
}

/** AES-CBC with PKCS#7 padding under the first bytes of `key.k`: encrypts, or `decrypt`s. */
export function aesCbcLocally(key, algorithm, data, iv, decrypt) {
  return webCrypto(key, decrypt ? "decrypt" : "encrypt", algorithm, async () => {
    const raw = key.k.subarray(0, AES_CBC_PAD[algorithm]);
    const cryptoKey = await subtle().importKey("raw", raw, { name: "AES-CBC" }, false, [decrypt ? "decrypt" : "encrypt"]);
    const params = { name: "AES-CBC", iv };
    return new Uint8Array(await (decrypt ? subtle().decrypt(params, cryptoKey, data) : subtle().encrypt(params, cryptoKey, data)));
  });
}
