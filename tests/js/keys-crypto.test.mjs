// The CryptographyClient of keyvault-keys-wasm/keys against the emulator's real cryptography and
// node:crypto: what the service signs verifies with node:crypto; what node:crypto signs, verify
// and verifyData accept (and refuse once tampered: `false`, not an error); what the client
// encrypts or wraps locally (WebCrypto) the service decrypts and unwraps; a client holding only
// a JsonWebKey works with no service at all and refuses the rest with the official messages;
// AES-CBC-PAD matches node's aes-*-cbc byte for byte. The emulator's request counters prove
// which operations stay local: none sends a request, and a client built from a key id sends
// one GET, once.
import assert from "node:assert/strict";
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
} from "node:crypto";
import { after, before, describe, test } from "node:test";
import { CryptographyClient, KeyClient } from "keyvault-keys-wasm/keys";
import { COORDINATE, NODE_CURVE, ORDER, SIGNATURE_ALGORITHMS, emulatorOptions, nodePublicKey, nodeVerify, startEmulator, uniqueName } from "./helpers.mjs";

const credential = { getToken: async () => ({ token: "keys-crypto", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const RSA_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
const EC_ALGORITHM = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "P-256K": "ES256K" };
const OAEP_HASH = { "RSA-OAEP": "sha1", "RSA-OAEP-256": "sha256" };
/** The largest OAEP plaintext: modulus bytes − 2 × hash bytes − 2. */
const oaepMax = (modulusBytes, alg) => modulusBytes - 2 * (alg === "RSA-OAEP" ? 20 : 32) - 2;

let emulator, keyClient;
/** Emulator-made keys: `rsa2048`, `rsa3072`, one per curve; each `{ kv, crypto }` (a KeyVaultKey, its client). */
const made = {};
/** node-made key pairs imported into the emulator: `rsa` and one per curve; each `{ kv, crypto, pair }`. */
const imported = {};

const bytes = (text) => new TextEncoder().encode(text);
const digestOf = (alg, data) => createHash(SIGNATURE_ALGORITHMS[alg].hash).update(data).digest();
/** A copy of `data` with one byte flipped. */
const flipped = (data, at = 5) => Uint8Array.from(data, (b, i) => (i === at ? b ^ 0x01 : b));
const algorithmsOf = (kv) => (kv.key.kty.startsWith("RSA") ? RSA_ALGORITHMS : [EC_ALGORITHM[kv.key.crv]]);

/** node's signature of `data` with `privateKey`, as Key Vault's `alg` makes it. */
function nodeSignature(alg, privateKey, data) {
  const a = SIGNATURE_ALGORITHMS[alg];
  const key =
    a.kind === "ES"
      ? { key: privateKey, dsaEncoding: "ieee-p1363" }
      : a.kind === "PS"
        ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: a.saltLength }
        : { key: privateKey, padding: constants.RSA_PKCS1_PADDING };
  return new Uint8Array(nodeSign(a.hash, data, key));
}

/** A node key's JWK in the official JsonWebKey shape: material as bytes, Key Vault's curve names. */
function officialJwk(keyObject, extra = {}) {
  const jwk = keyObject.export({ format: "jwk" });
  const out = {};
  for (const [k, v] of Object.entries(jwk)) {
    out[k] = k === "kty" ? v : k === "crv" ? (v === "secp256k1" ? "P-256K" : v) : new Uint8Array(Buffer.from(v, "base64url"));
  }
  return { ...out, ...extra };
}

/** The emulator's request counters. */
async function stats() {
  const res = await fetch(`${emulator.url}/_emulator/stats`);
  assert.equal(res.status, 200);
  return res.json();
}

/** What the emulator received while `fn` ran: `{ value, requests, routes, statuses }`. */
async function counted(fn) {
  const reset = await fetch(`${emulator.url}/_emulator/stats`, { method: "DELETE" });
  assert.equal(reset.status, 204);
  const value = await fn();
  const s = await stats();
  return { value, requests: s.requests, routes: s.byRoute, statuses: s.byStatus };
}

/** `fn` must send no request at all; its value. */
async function local(fn) {
  const { value, requests, routes } = await counted(fn);
  assert.equal(requests, 0, `no request expected, got ${JSON.stringify(routes)}`);
  return value;
}

before(async () => {
  emulator = await startEmulator();
  keyClient = new KeyClient(emulator.url, credential, emulatorOptions);
  const curves = Object.keys(EC_ALGORITHM);
  const rsaPair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ecPairs = curves.map((crv) => generateKeyPairSync("ec", { namedCurve: NODE_CURVE[crv] }));
  const [rsa2048, rsa3072, ...ecs] = await Promise.all([
    keyClient.createRsaKey(uniqueName("crypto-rsa2048"), { keySize: 2048 }),
    keyClient.createRsaKey(uniqueName("crypto-rsa3072"), { keySize: 3072 }),
    ...curves.map((curve) => keyClient.createEcKey(uniqueName(`crypto-ec-${curve}`), { curve })),
  ]);
  const [rsaImported, ...ecImported] = await Promise.all([
    keyClient.importKey(uniqueName("crypto-node-rsa"), officialJwk(rsaPair.privateKey)),
    ...curves.map((crv, i) => keyClient.importKey(uniqueName(`crypto-node-${crv}`), officialJwk(ecPairs[i].privateKey))),
  ]);
  const entry = (kv, pair) => ({ kv, pair, crypto: keyClient.getCryptographyClient(kv.name) });
  made.rsa2048 = entry(rsa2048);
  made.rsa3072 = entry(rsa3072);
  curves.forEach((crv, i) => (made[crv] = entry(ecs[i])));
  imported.rsa = entry(rsaImported, rsaPair);
  curves.forEach((crv, i) => (imported[crv] = entry(ecImported[i], ecPairs[i])));
  // Each client fetches its key with its first operation; that is done here, so the tests
  // count only the operations themselves.
  await Promise.all(
    [...Object.values(made), ...Object.values(imported)].map(({ kv, crypto }) =>
      crypto.verifyData(algorithmsOf(kv)[0], bytes("warm"), new Uint8Array(kv.key.n?.length ?? 2 * kv.key.x.length)),
    ),
  );
});

after(async () => {
  await emulator?.stop();
});

describe("signatures", () => {
  test("the keys the emulator made are what the tests expect: RSA 2048/3072 and the four curves", () => {
    assert.equal(made.rsa2048.kv.key.n.length, 256);
    assert.equal(made.rsa3072.kv.key.n.length, 384);
    for (const crv of Object.keys(EC_ALGORITHM)) {
      assert.equal(made[crv].kv.key.crv, crv);
      assert.equal(made[crv].kv.key.x.length, COORDINATE[crv]);
    }
    for (const { kv } of Object.values(imported)) assert.equal(kv.key.d, undefined, "no private part comes back");
  });

  test("sign and signData: every signature of every algorithm verifies with node:crypto", async () => {
    for (const [label, { kv, crypto }] of Object.entries(made)) {
      const publicKey = nodePublicKey(kv.key);
      for (const alg of algorithmsOf(kv)) {
        const what = `${label} ${alg}`;
        const data = bytes(`signed with ${what}`);
        const a = SIGNATURE_ALGORITHMS[alg];
        const length = a.kind === "ES" ? 2 * COORDINATE[a.crv] : kv.key.n.length;

        // signData hashes here and sends the digest: one sign request, nothing else.
        const { value: fromData, routes } = await counted(() => crypto.signData(alg, data));
        assert.deepEqual(routes, { "POST /keys/{name}/{version}/sign": 1 }, what);
        assert.equal(fromData.algorithm, alg, what);
        assert.equal(fromData.keyID, kv.id, what);
        assert.equal(fromData.result.length, length, `${what}: raw signature length`);
        assert.equal(nodeVerify(alg, publicKey, data, fromData.result), true, `${what}: signData`);
        assert.equal(nodeVerify(alg, publicKey, bytes("other data"), fromData.result), false, `${what}: node can say no`);

        const fromDigest = await crypto.sign(alg, digestOf(alg, data));
        assert.equal(fromDigest.algorithm, alg, what);
        assert.equal(fromDigest.result.length, length, what);
        assert.equal(nodeVerify(alg, publicKey, data, fromDigest.result), true, `${what}: sign`);

        // And the client agrees: verifyData locally where WebCrypto can (all but ES256K),
        // verify (a digest) always at the service.
        const expectedRoutes = alg === "ES256K" ? { "POST /keys/{name}/{version}/verify": 1 } : {};
        const verdict = await counted(() => crypto.verifyData(alg, data, fromData.result));
        assert.deepEqual(verdict.value, { result: true, keyID: kv.id }, what);
        assert.deepEqual(verdict.routes, expectedRoutes, `${what}: where verifyData ran`);
        assert.equal((await crypto.verify(alg, digestOf(alg, data), fromDigest.result)).result, true, what);
      }
    }
  });

  test("verify and verifyData accept node:crypto's signatures and refuse tampered ones with false", async () => {
    for (const [label, { kv, crypto, pair }] of Object.entries(imported)) {
      for (const alg of algorithmsOf(kv)) {
        const what = `${label} ${alg}`;
        const data = randomBytes(100);
        const digest = digestOf(alg, data);
        const signature = nodeSignature(alg, pair.privateKey, data);
        const remote = alg === "ES256K";

        const byData = await counted(() => crypto.verifyData(alg, data, signature));
        assert.deepEqual(byData.value, { result: true, keyID: kv.id }, `${what}: verifyData`);
        assert.equal(byData.requests, remote ? 1 : 0, `${what}: verifyData ${remote ? "at the service" : "locally"}`);
        assert.deepEqual(await crypto.verify(alg, digest, signature), { result: true, keyID: kv.id }, `${what}: verify`);

        for (const at of [0, signature.length >> 1, signature.length - 1]) {
          const tampered = flipped(signature, at);
          assert.equal((await crypto.verifyData(alg, data, tampered)).result, false, `${what}: verifyData, byte ${at} flipped`);
          assert.equal((await crypto.verify(alg, digest, tampered)).result, false, `${what}: verify, byte ${at} flipped`);
        }
        assert.equal((await crypto.verifyData(alg, flipped(data), signature)).result, false, `${what}: other data`);
        assert.equal((await crypto.verify(alg, flipped(digest), signature)).result, false, `${what}: other digest`);

        if (SIGNATURE_ALGORITHMS[alg].kind === "ES") {
          // (r, n − s) is the same signature in ECDSA: the service and WebCrypto both take it.
          const half = signature.length / 2;
          const s = BigInt(`0x${Buffer.from(signature.subarray(half)).toString("hex")}`);
          const otherS = Buffer.from((ORDER[kv.key.crv] - s).toString(16).padStart(half * 2, "0"), "hex");
          const mirrored = new Uint8Array([...signature.subarray(0, half), ...otherS]);
          assert.equal((await crypto.verifyData(alg, data, mirrored)).result, true, `${what}: (r, n - s), verifyData`);
          assert.equal((await crypto.verify(alg, digest, mirrored)).result, true, `${what}: (r, n - s), verify`);
        }
      }
    }
  });

  test("a signature of another algorithm or another key is refused with false", async () => {
    const data = bytes("one key, one algorithm");
    const rs256 = nodeSignature("RS256", imported.rsa.pair.privateKey, data);
    assert.equal((await imported.rsa.crypto.verifyData("PS256", data, rs256)).result, false, "RS256 signature as PS256");
    assert.equal((await imported.rsa.crypto.verifyData("RS384", data, rs256)).result, false, "RS256 signature as RS384");
    assert.equal((await made.rsa2048.crypto.verifyData("RS256", data, rs256)).result, false, "another RSA key");
    const es256 = nodeSignature("ES256", imported["P-256"].pair.privateKey, data);
    assert.equal((await made["P-256"].crypto.verifyData("ES256", data, es256)).result, false, "another P-256 key");
    assert.equal((await made["P-256"].crypto.verify("ES256", digestOf("ES256", data), es256)).result, false, "at the service");
  });
});

describe("encryption", () => {
  test("RSA-OAEP and RSA-OAEP-256 encrypt and wrapKey run locally; the emulator decrypts and unwraps", async () => {
    for (const label of ["rsa2048", "rsa3072"]) {
      const { kv, crypto } = made[label];
      for (const alg of ["RSA-OAEP", "RSA-OAEP-256"]) {
        const what = `${label} ${alg}`;
        for (const plaintext of [randomBytes(32), randomBytes(1), randomBytes(oaepMax(kv.key.n.length, alg))]) {
          const encrypted = await local(() => crypto.encrypt({ algorithm: alg, plaintext }));
          assert.equal(encrypted.algorithm, alg, what);
          assert.equal(encrypted.keyID, kv.id, what);
          assert.equal(encrypted.result.length, kv.key.n.length, `${what}: one modulus long`);
          const { value: decrypted, routes } = await counted(() => crypto.decrypt({ algorithm: alg, ciphertext: encrypted.result }));
          assert.deepEqual(routes, { "POST /keys/{name}/{version}/decrypt": 1 }, what);
          assert.deepEqual(Buffer.from(decrypted.result), plaintext, `${what}: ${plaintext.length} bytes decrypted`);
        }

        const contentKey = randomBytes(32);
        const wrapped = await local(() => crypto.wrapKey(alg, contentKey));
        assert.equal(wrapped.algorithm, alg, what);
        assert.equal(wrapped.keyID, kv.id, what);
        const again = await local(() => crypto.wrapKey(alg, contentKey));
        assert.notDeepEqual(again.result, wrapped.result, `${what}: OAEP is randomized`);
        for (const w of [wrapped, again]) {
          const { value: unwrapped, routes } = await counted(() => crypto.unwrapKey(alg, w.result));
          assert.deepEqual(routes, { "POST /keys/{name}/{version}/unwrapkey": 1 }, what);
          assert.deepEqual(Buffer.from(unwrapped.result), contentKey, `${what}: unwrapped`);
        }
        // The (algorithm, plaintext) form gives the same.
        const positional = await local(() => crypto.encrypt(alg, contentKey));
        assert.deepEqual(Buffer.from((await crypto.decrypt(alg, positional.result)).result), contentKey, what);
      }
    }
  });

  test("local ciphertexts decrypt with node:crypto, and node's decrypt in the emulator", async () => {
    const { kv, crypto, pair } = imported.rsa;
    for (const alg of ["RSA-OAEP", "RSA-OAEP-256"]) {
      const plaintext = randomBytes(48);
      const oaep = { key: pair.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] };
      const encrypted = await local(() => crypto.encrypt(alg, plaintext));
      assert.deepEqual(privateDecrypt(oaep, encrypted.result), plaintext, `${alg}: node decrypts encrypt's`);
      const wrapped = await local(() => crypto.wrapKey(alg, plaintext));
      assert.deepEqual(privateDecrypt(oaep, wrapped.result), plaintext, `${alg}: node decrypts wrapKey's`);

      const fromNode = publicEncrypt({ ...oaep, key: pair.publicKey }, plaintext);
      assert.deepEqual(Buffer.from((await crypto.decrypt(alg, fromNode)).result), plaintext, `${alg}: decrypt`);
      assert.deepEqual(Buffer.from((await crypto.unwrapKey(alg, fromNode)).result), plaintext, `${alg}: unwrapKey`);
      assert.equal(encrypted.keyID, kv.id);
    }
  });

  test("RSA1_5 has no WebCrypto counterpart: encrypt and wrapKey go to the service", async () => {
    const { kv, crypto } = made.rsa2048;
    const plaintext = randomBytes(32);
    const encrypted = await counted(() => crypto.encrypt("RSA1_5", plaintext));
    assert.deepEqual(encrypted.routes, { "POST /keys/{name}/{version}/encrypt": 1 });
    assert.equal(encrypted.value.keyID, kv.id);
    assert.deepEqual(Buffer.from((await crypto.decrypt("RSA1_5", encrypted.value.result)).result), plaintext);
    const wrapped = await counted(() => crypto.wrapKey("RSA1_5", plaintext));
    assert.deepEqual(wrapped.routes, { "POST /keys/{name}/{version}/wrapkey": 1 });
    assert.deepEqual(Buffer.from((await crypto.unwrapKey("RSA1_5", wrapped.value.result)).result), plaintext);
  });
});

describe("requests", () => {
  test("a client built from a KeyVaultKey never asks the service for what it can do itself", async () => {
    const { kv } = made.rsa3072;
    const ec = made["P-384"].kv;
    const rsa = new CryptographyClient(kv, credential, emulatorOptions);
    const ecClient = new CryptographyClient(ec, credential, emulatorOptions);
    const data = bytes("local only");
    const signature = (await made.rsa3072.crypto.signData("PS384", data)).result;
    const ecSignature = (await made["P-384"].crypto.signData("ES384", data)).result;
    const results = await local(async () => [
      (await rsa.encrypt("RSA-OAEP-256", data)).result.length,
      (await rsa.wrapKey("RSA-OAEP", data)).result.length,
      (await rsa.verifyData("PS384", data, signature)).result,
      (await rsa.verifyData("PS384", flipped(data), signature)).result,
      (await ecClient.verifyData("ES384", data, ecSignature)).result,
      (await ecClient.verifyData("ES384", data, flipped(ecSignature))).result,
    ]);
    assert.deepEqual(results, [384, 384, true, false, true, false]);
    assert.equal(rsa.keyID, kv.id);
    assert.equal(rsa.vaultUrl, emulator.url);
  });

  test("a client built from a key id fetches the key with its first operation, then works locally", async () => {
    const { kv } = made.rsa2048;
    const fresh = new CryptographyClient(kv.id, credential, emulatorOptions);
    assert.equal(fresh.keyID, kv.id);
    // A new pipeline: the GET is first sent without a token for the vault's challenge (401),
    // then with one (200). One GET of the key, answered once.
    const first = await counted(() => fresh.encrypt("RSA-OAEP", bytes("first")));
    assert.deepEqual(first.routes, { "GET /keys/{name}/{version}": 2 });
    assert.deepEqual(first.statuses, { 200: 1, 401: 1 });
    assert.equal(first.value.keyID, kv.id);

    const data = bytes("later");
    const signature = (await made.rsa2048.crypto.signData("RS256", data)).result;
    const later = await local(async () => [
      (await fresh.encrypt("RSA-OAEP-256", data)).result.length,
      (await fresh.wrapKey("RSA-OAEP", data)).result.length,
      (await fresh.verifyData("RS256", data, signature)).result,
      (await fresh.verifyData("RS256", data, flipped(signature))).result,
      (await fresh.encrypt("RSA-OAEP", bytes("first"))).keyID,
    ]);
    assert.deepEqual(later, [256, 256, true, false, kv.id]);
    const decrypted = await counted(() => fresh.decrypt("RSA-OAEP", first.value.result));
    assert.deepEqual(decrypted.routes, { "POST /keys/{name}/{version}/decrypt": 1 });
    assert.equal(new TextDecoder().decode(decrypted.value.result), "first");
  });

  test("from KeyClient.getCryptographyClient (the same connection): exactly one GET, the first time only", async () => {
    const { kv, pair } = imported["P-521"];
    const data = bytes("shared pipeline");
    const signature = nodeSignature("ES512", pair.privateKey, data);
    const crypto = keyClient.getCryptographyClient(kv.name);
    assert.equal(crypto.keyID, `${emulator.url}/keys/${kv.name}`);
    const first = await counted(() => crypto.verifyData("ES512", data, signature));
    assert.deepEqual(first.routes, { "GET /keys/{name}": 1 });
    assert.deepEqual(first.statuses, { 200: 1 });
    assert.deepEqual(first.value, { result: true, keyID: kv.id });
    assert.equal(crypto.keyID, kv.id, "the fetched key's id, with its version");
    const later = await local(async () => [
      (await crypto.verifyData("ES512", data, signature)).result,
      (await crypto.verifyData("ES512", data, flipped(signature))).result,
    ]);
    assert.deepEqual(later, [true, false]);

    // A remote operation first: one GET, then the operation itself.
    const other = keyClient.getCryptographyClient(made.rsa2048.kv.name, { keyVersion: made.rsa2048.kv.properties.version });
    const ciphertext = (await made.rsa2048.crypto.encrypt("RSA-OAEP", data)).result;
    const remoteFirst = await counted(() => other.decrypt("RSA-OAEP", ciphertext));
    assert.deepEqual(remoteFirst.routes, { "GET /keys/{name}/{version}": 1, "POST /keys/{name}/{version}/decrypt": 1 });
    assert.deepEqual(Buffer.from(remoteFirst.value.result), Buffer.from(data));
  });
});

describe("a local-only client (JsonWebKey)", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = Object.fromEntries(["P-256", "P-384", "P-521"].map((crv) => [crv, generateKeyPairSync("ec", { namedCurve: NODE_CURVE[crv] })]));

  test("encrypts, wraps and verifies node:crypto's keys with no request", async () => {
    const rsaClient = new CryptographyClient(officialJwk(rsa.publicKey, { kid: "local-rsa" }));
    assert.equal(rsaClient.keyID, "local-rsa");
    assert.equal(rsaClient.vaultUrl, "");
    const data = randomBytes(64);
    await local(async () => {
      for (const alg of ["RSA-OAEP", "RSA-OAEP-256"]) {
        const oaep = { key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] };
        const encrypted = await rsaClient.encrypt({ algorithm: alg, plaintext: data });
        assert.deepEqual([encrypted.algorithm, encrypted.keyID], [alg, "local-rsa"]);
        assert.deepEqual(privateDecrypt(oaep, encrypted.result), data, `${alg}: encrypt`);
        const wrapped = await rsaClient.wrapKey(alg, data);
        assert.deepEqual(privateDecrypt(oaep, wrapped.result), data, `${alg}: wrapKey`);
      }
      for (const alg of RSA_ALGORITHMS) {
        const signature = nodeSignature(alg, rsa.privateKey, data);
        assert.deepEqual(await rsaClient.verifyData(alg, data, signature), { result: true, keyID: "local-rsa" }, alg);
        assert.equal((await rsaClient.verifyData(alg, data, flipped(signature, 100))).result, false, `${alg}: tampered`);
      }
      for (const [crv, pair] of Object.entries(ec)) {
        const alg = EC_ALGORITHM[crv];
        const client = new CryptographyClient(officialJwk(pair.publicKey));
        const signature = nodeSignature(alg, pair.privateKey, data);
        assert.equal((await client.verifyData(alg, data, signature)).result, true, alg);
        assert.equal((await client.verifyData(alg, data, flipped(signature, 10))).result, false, `${alg}: tampered`);
        assert.equal((await client.verifyData(alg, flipped(data), signature)).result, false, `${alg}: other data`);
      }
    });
  });

  test("a vault key's JsonWebKey (its kid names the emulator) works locally: no request reaches the vault", async () => {
    const { kv, pair } = imported.rsa;
    const client = new CryptographyClient(kv.key);
    assert.equal(client.keyID, kv.id);
    const data = bytes("through the vault key's public half");
    const [encrypted, verified] = await local(async () => [
      await client.encrypt("RSA-OAEP-256", data),
      await client.verifyData("PS512", data, nodeSignature("PS512", pair.privateKey, data)),
    ]);
    assert.equal(encrypted.keyID, kv.id);
    assert.deepEqual(verified, { result: true, keyID: kv.id });
    // What it made, the vault can undo.
    assert.deepEqual(Buffer.from((await imported.rsa.crypto.decrypt("RSA-OAEP-256", encrypted.result)).result), Buffer.from(data));
  });

  test("what needs the service is refused with the official message, and nothing is sent", async () => {
    const rsaClient = new CryptographyClient(officialJwk(rsa.publicKey));
    const k1 = new CryptographyClient(officialJwk(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey));
    const some = randomBytes(32);
    const refusals = [
      [() => rsaClient.decrypt("RSA-OAEP", randomBytes(256)), "decrypt", "RSA-OAEP"],
      [() => rsaClient.decrypt({ algorithm: "RSA-OAEP-256", ciphertext: randomBytes(256) }), "decrypt", "RSA-OAEP-256"],
      [() => rsaClient.unwrapKey("RSA-OAEP", randomBytes(256)), "unwrapKey", "RSA-OAEP"],
      [() => rsaClient.sign("RS256", some), "sign", "RS256"],
      [() => rsaClient.signData("PS256", some), "signData", "PS256"],
      [() => rsaClient.verify("RS256", some, randomBytes(256)), "verify", "RS256"],
      [() => rsaClient.encrypt("RSA1_5", some), "encrypt", "RSA1_5"],
      [() => rsaClient.wrapKey("RSA1_5", some), "wrapKey", "RSA1_5"],
      [() => rsaClient.verifyData("ES256", some, randomBytes(64)), "verifyData", "ES256"],
      [() => k1.verifyData("ES256K", some, randomBytes(64)), "verifyData", "ES256K"],
      [() => k1.signData("ES256K", some), "signData", "ES256K"],
    ];
    await local(async () => {
      for (const [call, operation, algorithm] of refusals) {
        await assert.rejects(call(), {
          name: "Error",
          message: `Unable to support operation: "${operation}" with algorithm: "${algorithm}" using a local JsonWebKey`,
        });
      }
    });
  });

  test("the JsonWebKey's keyOps are enforced: an operation it does not list is refused", async () => {
    const client = new CryptographyClient(officialJwk(rsa.publicKey, { kid: "verify-only", keyOps: ["verify"] }));
    const data = bytes("verify only");
    await assert.rejects(client.encrypt("RSA-OAEP", data), { message: "Operation encrypt is not supported on key verify-only" });
    await assert.rejects(client.wrapKey("RSA-OAEP", data), { message: "Operation wrapKey is not supported on key verify-only" });
    assert.equal((await client.verifyData("RS256", data, nodeSignature("RS256", rsa.privateKey, data))).result, true);
  });
});

describe("AES-CBC-PAD with a local symmetric key", () => {
  const SIZES = { A128CBCPAD: 16, A192CBCPAD: 24, A256CBCPAD: 32 };
  const nodeCbc = (size, decrypt, k, iv, data) => {
    const c = (decrypt ? createDecipheriv : createCipheriv)(`aes-${size * 8}-cbc`, k, iv);
    return Buffer.concat([c.update(data), c.final()]);
  };

  test("encrypt equals node:crypto's aes-*-cbc byte for byte, and decrypt reads node's ciphertexts", async () => {
    await local(async () => {
      for (const [alg, size] of Object.entries(SIZES)) {
        const k = randomBytes(size);
        const client = new CryptographyClient({ kty: "oct", k: new Uint8Array(k), kid: "aes" });
        for (const length of [0, 1, 15, 16, 17, 100]) {
          const what = `${alg}, ${length} bytes`;
          const plaintext = randomBytes(length);
          const iv = randomBytes(16);
          const encrypted = await client.encrypt({ algorithm: alg, plaintext, iv });
          assert.equal(encrypted.algorithm, alg);
          assert.equal(encrypted.result.length, (Math.floor(length / 16) + 1) * 16, `${what}: PKCS#7 padded`);
          assert.deepEqual(Buffer.from(encrypted.result), nodeCbc(size, false, k, iv, plaintext), what);
          assert.deepEqual(Buffer.from(encrypted.iv), iv, what);

          const fromNode = nodeCbc(size, false, k, iv, plaintext);
          const decrypted = await client.decrypt({ algorithm: alg, ciphertext: fromNode, iv });
          assert.deepEqual(Buffer.from(decrypted.result), plaintext, `${what}: decrypts node's`);
          assert.equal(decrypted.algorithm, alg);
        }
      }
    });
  });

  test("without an iv a random one is made and returned; node decrypts with it", async () => {
    const k = randomBytes(32);
    const client = new CryptographyClient({ kty: "oct-HSM", k: new Uint8Array(k) });
    const plaintext = bytes("aes-256-cbc without an iv of mine");
    const [a, b] = await local(async () => [
      await client.encrypt({ algorithm: "A256CBCPAD", plaintext }),
      await client.encrypt({ algorithm: "A256CBCPAD", plaintext }),
    ]);
    assert.equal(a.iv.length, 16);
    assert.notDeepEqual(a.iv, b.iv, "a new iv each time");
    assert.notDeepEqual(a.result, b.result);
    for (const e of [a, b]) {
      assert.equal(nodeCbc(32, true, k, e.iv, e.result).toString(), "aes-256-cbc without an iv of mine");
      assert.deepEqual((await client.decrypt({ algorithm: "A256CBCPAD", ciphertext: e.result, iv: e.iv })).result, plaintext);
    }
  });

  test("a longer key uses its first bytes, as the official client does; bad padding and a missing iv fail", async () => {
    const k = randomBytes(32);
    const client = new CryptographyClient({ kty: "oct", k: new Uint8Array(k) });
    const iv = randomBytes(16);
    const plaintext = bytes("first sixteen bytes of the key");
    const encrypted = await client.encrypt({ algorithm: "A128CBCPAD", plaintext, iv });
    assert.deepEqual(Buffer.from(encrypted.result), nodeCbc(16, false, k.subarray(0, 16), iv, plaintext));

    const tampered = flipped(encrypted.result, encrypted.result.length - 1);
    await assert.rejects(client.decrypt({ algorithm: "A128CBCPAD", ciphertext: tampered, iv }));
    await assert.rejects(client.decrypt({ algorithm: "A128CBCPAD", ciphertext: encrypted.result }));
    // What AES-CBC-PAD cannot do locally is refused: no service behind a JsonWebKey.
    await assert.rejects(client.wrapKey("A256KW", randomBytes(32)), {
      message: 'Unable to support operation: "wrapKey" with algorithm: "A256KW" using a local JsonWebKey',
    });
    await assert.rejects(client.encrypt({ algorithm: "A256GCM", plaintext }), {
      message: 'Unable to support operation: "encrypt" with algorithm: "A256GCM" using a local JsonWebKey',
    });
  });
});

describe("the key's operations and dates", () => {
  test("a key created with keyOps [\"verify\"] refuses encrypt locally with the official message", async () => {
    const kv = await keyClient.createRsaKey(uniqueName("crypto-verify-only"), { keySize: 2048, keyOps: ["verify"] });
    assert.deepEqual(kv.keyOperations, ["verify"]);
    const client = new CryptographyClient(kv, credential, emulatorOptions);
    const data = bytes("verify only");
    await local(async () => {
      for (const [op, call] of [
        ["encrypt", () => client.encrypt("RSA-OAEP", data)],
        ["wrapKey", () => client.wrapKey("RSA-OAEP-256", data)],
        ["decrypt", () => client.decrypt("RSA-OAEP", randomBytes(256))],
        ["sign", () => client.signData("RS256", data)],
      ]) {
        await assert.rejects(call(), { message: `Operation ${op} is not supported on key ${kv.id}` }, op);
      }
      // verify is listed: a (wrong) signature is checked locally, not refused.
      assert.equal((await client.verifyData("RS256", data, randomBytes(256))).result, false);
    });

    // Built from the id: the key is fetched, then the same refusal, and no operation is sent.
    const fromId = keyClient.getCryptographyClient(kv.name);
    const { routes } = await counted(() =>
      assert.rejects(fromId.encrypt("RSA-OAEP", data), { message: `Operation encrypt is not supported on key ${kv.id}` }),
    );
    assert.deepEqual(routes, { "GET /keys/{name}": 1 });
  });

  test("an expired key is refused with `Key ... expired at ...`; a key not yet valid with `can't be used before`", async () => {
    const expiresOn = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const [expired, early] = await Promise.all([
      keyClient.createEcKey(uniqueName("crypto-expired"), { curve: "P-256", expiresOn }),
      keyClient.createEcKey(uniqueName("crypto-early"), { curve: "P-256", notBefore }),
    ]);
    assert.deepEqual(expired.properties.expiresOn, expiresOn);
    const data = bytes("out of its dates");
    const signature = randomBytes(64);
    for (const [kv, message] of [
      [expired, `Key ${expired.id} expired at ${expiresOn.toISOString()}`],
      [early, `Key ${early.id} can't be used before ${notBefore.toISOString()}`],
    ]) {
      const client = new CryptographyClient(kv, credential, emulatorOptions);
      await local(async () => {
        await assert.rejects(client.verifyData("ES256", data, signature), { message });
        await assert.rejects(client.signData("ES256", data), { message });
        await assert.rejects(client.verify("ES256", digestOf("ES256", data), signature), { message });
      });
      const fromId = new CryptographyClient(kv.id, credential, emulatorOptions);
      const { routes } = await counted(() => assert.rejects(fromId.signData("ES256", data), { message }));
      assert.deepEqual(Object.keys(routes), ["GET /keys/{name}/{version}"], "only the key was fetched");
    }
  });
});
