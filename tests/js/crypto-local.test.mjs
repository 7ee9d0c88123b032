// The CryptographyClient's local operations (js/crypto-local.mjs, over WebCrypto) against
// node:crypto: what node signs, we verify (and refuse when tampered); what we encrypt, node
// decrypts. The same module runs in Chromium in tests/js/browser.test.mjs.
import assert from "node:assert/strict";
import { constants, createHash, generateKeyPairSync, privateDecrypt, sign } from "node:crypto";
import { test } from "node:test";
import { decodeBase64 } from "../../js/base64.mjs";
import { canEncryptLocally, canVerifyDataLocally, digestFor, encryptLocally, verifyDataLocally } from "../../js/crypto-local.mjs";

/** A node key pair's public half as the official JsonWebKey shape (material as bytes). */
function jsonWebKey(publicKey, kty) {
  const jwk = publicKey.export({ format: "jwk" });
  const out = { kty };
  for (const [k, v] of Object.entries(jwk)) out[k] = k === "kty" ? kty : k === "crv" ? v : decodeBase64(v);
  return out;
}

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaKey = jsonWebKey(rsa.publicKey, "RSA-HSM");
const curves = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };
const ec = Object.fromEntries(Object.entries(curves).map(([alg, crv]) => [alg, generateKeyPairSync("ec", { namedCurve: crv })]));

test("RS*, PS* and ES256/384/512 signatures made by node:crypto verify locally; tampered ones do not", async () => {
  const data = new TextEncoder().encode("the data signed");
  const tampered = (sig) => Uint8Array.from(sig, (b, i) => (i === 7 ? b ^ 1 : b));
  for (const [alg, hash] of [["RS256", "sha256"], ["RS384", "sha384"], ["RS512", "sha512"]]) {
    const sig = sign(hash, data, rsa.privateKey);
    assert.ok(canVerifyDataLocally(rsaKey, alg), alg);
    assert.equal(await verifyDataLocally(rsaKey, alg, data, sig), true, alg);
    assert.equal(await verifyDataLocally(rsaKey, alg, data, tampered(sig)), false, `${alg} tampered`);
  }
  for (const [alg, hash, salt] of [["PS256", "sha256", 32], ["PS384", "sha384", 48], ["PS512", "sha512", 64]]) {
    const sig = sign(hash, data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt });
    assert.equal(await verifyDataLocally(rsaKey, alg, data, sig), true, alg);
    assert.equal(await verifyDataLocally(rsaKey, alg, data, tampered(sig)), false, `${alg} tampered`);
  }
  for (const [alg, hash] of [["ES256", "sha256"], ["ES384", "sha384"], ["ES512", "sha512"]]) {
    const key = jsonWebKey(ec[alg].publicKey, "EC");
    const sig = sign(hash, data, { key: ec[alg].privateKey, dsaEncoding: "ieee-p1363" });
    assert.ok(canVerifyDataLocally(key, alg), alg);
    assert.equal(await verifyDataLocally(key, alg, data, sig), true, alg);
    assert.equal(await verifyDataLocally(key, alg, data, tampered(sig)), false, `${alg} tampered`);
    assert.equal(canVerifyDataLocally(key, alg === "ES256" ? "ES384" : "ES256"), false, "a curve verifies only its own algorithm");
  }
});

test("RSA-OAEP and RSA-OAEP-256 ciphertexts made locally decrypt with node:crypto", async () => {
  const plaintext = new TextEncoder().encode("a data encryption key, 32 bytes!");
  for (const [alg, oaepHash] of [["RSA-OAEP", "sha1"], ["RSA-OAEP-256", "sha256"]]) {
    assert.ok(canEncryptLocally(rsaKey, alg));
    const ciphertext = await encryptLocally(rsaKey, alg, plaintext);
    assert.equal(ciphertext.length, 256);
    const back = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext);
    assert.deepEqual(new Uint8Array(back), plaintext, alg);
  }
});

test("what WebCrypto cannot do locally is left to the service", () => {
  assert.equal(canEncryptLocally(rsaKey, "RSA1_5"), false);
  assert.equal(canVerifyDataLocally(jsonWebKey(ec.ES256.publicKey, "EC"), "ES256K"), false);
  assert.equal(canEncryptLocally({ kty: "EC", crv: "P-256" }, "RSA-OAEP"), false);
  assert.equal(canVerifyDataLocally({ kty: "RSA" }, "RS256"), false, "no public material");
});

test("signData and verifyData digests are the algorithm's SHA", async () => {
  const data = new TextEncoder().encode("digest me");
  for (const [alg, hash] of [["RS256", "sha256"], ["PS384", "sha384"], ["ES512", "sha512"], ["ES256K", "sha256"]]) {
    assert.deepEqual(await digestFor(alg, data), new Uint8Array(createHash(hash).update(data).digest()), alg);
  }
});
