// Interoperability of the emulator's keys plane with node:crypto, over raw REST (fetch): every
// signature the emulator makes verifies with node:crypto and the reverse, every ciphertext node
// makes with the public key decrypts in the emulator and the reverse (where node allows it), and
// malformed requests to every keys route answer 400 without ever taking the emulator down.
import assert from "node:assert/strict";
import {
  constants,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
} from "node:crypto";
import { after, before, describe, test } from "node:test";
import { COORDINATE, NODE_CURVE, ORDER, SIGNATURE_ALGORITHMS, nodePublicKey, nodeVerify, startEmulator } from "./helpers.mjs";

const API_VERSION = "2025-07-01";
const b64 = (bytes) => Buffer.from(bytes).toString("base64url");
const unb64 = (text) => Buffer.from(text, "base64url");
const ENCRYPTION = {
  "RSA-OAEP": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1", max: 256 - 42 },
  "RSA-OAEP-256": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", max: 256 - 66 },
  RSA1_5: { padding: constants.RSA_PKCS1_PADDING, max: 256 - 11 },
};

let emulator;
/** Emulator-made keys: `rsa`, and one EC key per curve; each `{ name, version, jwk }`. */
const made = {};
/** node-made keys imported into the emulator: `rsa` and one per curve; each `{ name, version, jwk, pair }`. */
const imported = {};

/** A data-plane request; the answer's status and parsed JSON body. */
async function kv(method, path, body) {
  const sep = path.includes("?") ? "&" : "?";
  const res = await fetch(`${emulator.url}${path}${sep}api-version=${API_VERSION}`, {
    method,
    headers: { Authorization: "Bearer interop", "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { unparsed: text };
  }
  return { status: res.status, body: json };
}

/** Like `kv`, but the call must succeed; its body. */
async function ok(method, path, body) {
  const res = await kv(method, path, body);
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const keyOf = (bundle) => ({
  name: bundle.key.kid.split("/keys/")[1].split("/")[0],
  version: bundle.key.kid.split("/").pop(),
  jwk: bundle.key,
});
const opPath = (key, op) => `/keys/${key.name}/${key.version}/${op}`;
const digestOf = (alg, data) => createHash(SIGNATURE_ALGORITHMS[alg].hash).update(data).digest();
const signerOf = (keys, alg) => {
  const a = SIGNATURE_ALGORITHMS[alg];
  return a.kind === "ES" ? keys[a.crv] : keys.rsa;
};

/** node's signature of `data` with `privateKey` as Key Vault's `alg` makes it. */
function nodeSignature(alg, privateKey, data) {
  const a = SIGNATURE_ALGORITHMS[alg];
  const key =
    a.kind === "ES"
      ? { key: privateKey, dsaEncoding: "ieee-p1363" }
      : a.kind === "PS"
        ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: a.saltLength }
        : { key: privateKey, padding: constants.RSA_PKCS1_PADDING };
  return nodeSign(a.hash, data, key);
}

/** A node-made private JWK in Key Vault's form (`P-256K` for secp256k1). */
function privateJwk(pair, crv) {
  const jwk = pair.privateKey.export({ format: "jwk" });
  return crv ? { ...jwk, crv } : jwk;
}

before(async () => {
  emulator = await startEmulator(["--seed", "5"]);
  const curves = Object.keys(NODE_CURVE);
  const rsaPair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ecPairs = curves.map((crv) => generateKeyPairSync("ec", { namedCurve: NODE_CURVE[crv] }));
  const [rsa, ...ecs] = await Promise.all([
    ok("POST", "/keys/interop-rsa/create", { kty: "RSA", key_size: 2048 }),
    ...curves.map((crv) => ok("POST", `/keys/interop-ec-${crv}/create`, { kty: "EC", crv })),
  ]);
  made.rsa = keyOf(rsa);
  curves.forEach((crv, i) => (made[crv] = keyOf(ecs[i])));

  const [rsaImported, ...ecImported] = await Promise.all([
    ok("PUT", "/keys/interop-node-rsa", {
      key: { ...privateJwk(rsaPair), key_ops: ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"] },
    }),
    ...curves.map((crv, i) => ok("PUT", `/keys/interop-node-ec-${crv}`, { key: privateJwk(ecPairs[i], crv) })),
  ]);
  imported.rsa = { ...keyOf(rsaImported), pair: rsaPair };
  curves.forEach((crv, i) => (imported[crv] = { ...keyOf(ecImported[i]), pair: ecPairs[i] }));
});

after(async () => {
  await emulator?.stop();
});

describe("signatures: the emulator and node:crypto agree", () => {
  test("imported keys come back public only, with the node key's public parts", async () => {
    for (const [label, key] of Object.entries(imported)) {
      const got = await ok("GET", `/keys/${key.name}`);
      for (const part of ["d", "p", "q", "dp", "dq", "qi", "k", "key_hsm"]) {
        assert.equal(part in got.key, false, `${label}: no ${part}`);
      }
      const mine = key.pair.publicKey.export({ format: "jwk" });
      if (label === "rsa") assert.deepEqual([got.key.n, got.key.e], [mine.n, mine.e]);
      else assert.deepEqual([got.key.crv, got.key.x, got.key.y], [label, mine.x, mine.y]);
    }
  });

  test("every signature the emulator makes (10 algorithms) verifies with node:crypto", async () => {
    for (const alg of Object.keys(SIGNATURE_ALGORITHMS)) {
      const key = signerOf(made, alg);
      const { key: jwk } = await ok("GET", `/keys/${key.name}/${key.version}`);
      const publicKey = nodePublicKey(jwk);
      const data = randomBytes(100);
      const digest = digestOf(alg, data);
      const signed = await ok("POST", opPath(key, "sign"), { alg, value: b64(digest) });
      assert.equal(signed.kid, jwk.kid, alg);
      const signature = unb64(signed.value);
      const a = SIGNATURE_ALGORITHMS[alg];
      assert.equal(signature.length, a.kind === "ES" ? 2 * COORDINATE[a.crv] : 256, `${alg}: raw length`);
      assert.ok(nodeVerify(alg, publicKey, data, signature), `${alg}: node verifies the emulator's signature`);
      const verdict = await ok("POST", opPath(key, "verify"), { alg, digest: b64(digest), value: signed.value });
      assert.deepEqual(verdict, { value: true }, alg);

      // A versionless path (`/keys/{name}//sign`, what clients send for a key id without
      // version) signs with the latest version.
      const latest = await ok("POST", `/keys/${key.name}//sign`, { alg, value: b64(digest) });
      assert.equal(latest.kid, jwk.kid);
      assert.ok(nodeVerify(alg, publicKey, data, unb64(latest.value)), `${alg}: versionless`);
      if (a.kind === "PS") assert.notEqual(latest.value, signed.value, `${alg}: a random salt each time`);

      const tampered = Buffer.from(signature);
      tampered[tampered.length >> 1] ^= 0x10;
      assert.equal(nodeVerify(alg, publicKey, data, tampered), false, `${alg}: node refuses the tampered one`);
      const refused = await ok("POST", opPath(key, "verify"), { alg, digest: b64(digest), value: b64(tampered) });
      assert.deepEqual(refused, { value: false }, `${alg}: the emulator refuses the tampered one`);
      const otherDigest = await ok("POST", opPath(key, "verify"), {
        alg,
        digest: b64(digestOf(alg, "other data")),
        value: signed.value,
      });
      assert.deepEqual(otherDigest, { value: false }, `${alg}: another digest`);
    }
  });

  test("signatures node makes verify in the emulator; the emulator signs with imported keys", async () => {
    for (const alg of Object.keys(SIGNATURE_ALGORITHMS)) {
      const key = signerOf(imported, alg);
      const data = randomBytes(77);
      const digest = digestOf(alg, data);
      const mine = nodeSignature(alg, key.pair.privateKey, data);
      const verdict = await ok("POST", opPath(key, "verify"), { alg, digest: b64(digest), value: b64(mine) });
      assert.deepEqual(verdict, { value: true }, `${alg}: the emulator verifies node's signature`);
      const tampered = Buffer.from(mine);
      tampered[0] ^= 0x01;
      const refused = await ok("POST", opPath(key, "verify"), { alg, digest: b64(digest), value: b64(tampered) });
      assert.deepEqual(refused, { value: false }, `${alg}: tampered`);

      const signed = await ok("POST", opPath(key, "sign"), { alg, value: b64(digest) });
      assert.ok(
        nodeVerify(alg, key.pair.publicKey, data, unb64(signed.value)),
        `${alg}: node verifies with its own public key`,
      );

      const a = SIGNATURE_ALGORITHMS[alg];
      if (a.kind === "ES") {
        // The other s of the same signature (high S if node's was low, and the reverse).
        const half = mine.length / 2;
        const s = BigInt(`0x${mine.subarray(half).toString("hex")}`);
        const otherS = Buffer.from((ORDER[a.crv] - s).toString(16).padStart(half * 2, "0"), "hex");
        const mirrored = Buffer.concat([mine.subarray(0, half), otherS]);
        assert.ok(nodeVerify(alg, key.pair.publicKey, data, mirrored), `${alg}: node accepts (r, n - s)`);
        const both = await ok("POST", opPath(key, "verify"), { alg, digest: b64(digest), value: b64(mirrored) });
        assert.deepEqual(both, { value: true }, `${alg}: the emulator accepts (r, n - s) too`);
      }
    }
  });
});

describe("encryption: the emulator and node:crypto agree", () => {
  test("every ciphertext node makes with the public key decrypts (and unwraps) in the emulator", async () => {
    for (const key of [made.rsa, imported.rsa]) {
      const { key: jwk } = await ok("GET", `/keys/${key.name}`);
      const publicKey = nodePublicKey(jwk);
      for (const [alg, { padding, oaepHash, max }] of Object.entries(ENCRYPTION)) {
        for (const size of [1, 32, max]) {
          const plaintext = randomBytes(size);
          const ciphertext = publicEncrypt({ key: publicKey, padding, oaepHash }, plaintext);
          const decrypted = await ok("POST", opPath(key, "decrypt"), { alg, value: b64(ciphertext) });
          assert.equal(decrypted.kid, jwk.kid);
          assert.deepEqual(unb64(decrypted.value), plaintext, `${alg}, ${size} bytes (${key.name})`);
          const unwrapped = await ok("POST", opPath(key, "unwrapkey"), { alg, value: b64(ciphertext) });
          assert.deepEqual(unb64(unwrapped.value), plaintext, `${alg} unwrap, ${size} bytes`);
        }
        const tooLong = await kv("POST", opPath(key, "encrypt"), { alg, value: b64(randomBytes(max + 1)) });
        assert.equal(tooLong.status, 400, `${alg}: ${max + 1} bytes is too long`);
        assert.equal(tooLong.body.error.code, "BadParameter");
      }
      // A ciphertext under the wrong padding does not decrypt.
      const oaep = publicEncrypt({ key: publicKey, ...ENCRYPTION["RSA-OAEP-256"] }, Buffer.from("x"));
      const wrong = await kv("POST", opPath(key, "decrypt"), { alg: "RSA-OAEP", value: b64(oaep) });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, "BadParameter");
    }
  });

  test("what the emulator encrypts, node decrypts (OAEP; node 20 refuses PKCS#1 v1.5 private decryption)", async () => {
    const key = imported.rsa;
    for (const [alg, { padding, oaepHash, max }] of Object.entries(ENCRYPTION)) {
      const plaintext = randomBytes(Math.min(max, 64));
      for (const op of ["encrypt", "wrapkey"]) {
        const first = await ok("POST", opPath(key, op), { alg, value: b64(plaintext) });
        const second = await ok("POST", opPath(key, op), { alg, value: b64(plaintext) });
        assert.equal(unb64(first.value).length, 256);
        assert.notEqual(first.value, second.value, `${alg} ${op}: randomized padding`);
        let mine;
        try {
          mine = privateDecrypt({ key: key.pair.privateKey, padding, oaepHash }, unb64(first.value));
        } catch (e) {
          // CVE-2023-46809: node >= 20.11 no longer decrypts PKCS#1 v1.5 with a private key.
          assert.equal(alg, "RSA1_5", `${alg}: ${e.message}`);
          assert.equal(e.code, "ERR_INVALID_ARG_VALUE");
        }
        if (mine) assert.deepEqual(mine, plaintext, `${alg} ${op}: node decrypts`);
        const back = await ok("POST", opPath(key, op === "encrypt" ? "decrypt" : "unwrapkey"), { alg, value: first.value });
        assert.deepEqual(unb64(back.value), plaintext, `${alg} ${op}: round trip`);
      }
    }
  });
});

describe("bad requests: 400 BadParameter, never a crash", () => {
  test("malformed bodies, JWKs, algorithms, digests, base64url and counts", async () => {
    const rsa = made.rsa;
    const ec = made["P-256"];
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey.export({ format: "jwk" });
    const rsaJwk = privateJwk(imported.rsa.pair);
    const otherRsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
    const d32 = b64(randomBytes(32));
    const policy = (after, type = "Rotate") => ({ lifetimeActions: [{ trigger: { timeAfterCreate: after }, action: { type } }] });
    const WRONG_TYPES = { kty: 1, alg: 2, value: 3, count: "x", key: 4, lifetimeActions: 5, target: 6, key_ops: 7, attributes: 8, tags: 9 };
    const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "jwk" });
    const garbage256 = b64(Buffer.concat([Buffer.from([0]), randomBytes(255)])); // below the modulus, not a padding

    const cases = [
      // Bad JSON on every route that reads a body.
      ...[
        ["POST", "/keys/interop-bad/create"],
        ["PUT", "/keys/interop-bad"],
        ["PATCH", `/keys/${rsa.name}`],
        ["PATCH", `/keys/${rsa.name}/${rsa.version}`],
        ...["sign", "verify", "encrypt", "decrypt", "wrapkey", "unwrapkey", "release"].map((op) => ["POST", opPath(rsa, op)]),
        ["PUT", `/keys/${rsa.name}/rotationpolicy`],
        ["POST", "/rng"],
        ["POST", "/keys/restore"],
      ].flatMap(([method, path]) => [
        [`${method} ${path} with bad JSON`, method, path, "{"],
        [`${method} ${path} with a JSON array`, method, path, "[]"],
        [`${method} ${path} with wrong field types`, method, path, WRONG_TYPES],
      ]),
      // Create.
      ["create without kty", "POST", "/keys/interop-bad/create", {}],
      ["create oct", "POST", "/keys/interop-bad/create", { kty: "oct" }],
      ["create oct-HSM", "POST", "/keys/interop-bad/create", { kty: "oct-HSM" }],
      ["create RSA 1024", "POST", "/keys/interop-bad/create", { kty: "RSA", key_size: 1024 }],
      ["create EC P-192", "POST", "/keys/interop-bad/create", { kty: "EC", crv: "P-192" }],
      ["create EC of 512 bits", "POST", "/keys/interop-bad/create", { kty: "EC", key_size: 512 }],
      ["create with an unknown key_op", "POST", "/keys/interop-bad/create", { kty: "EC", key_ops: ["fly"] }],
      ["create exportable without policy", "POST", "/keys/interop-bad/create", { kty: "EC-HSM", attributes: { exportable: true } }],
      ["create with exp a string", "POST", "/keys/interop-bad/create", { kty: "EC", attributes: { exp: "tomorrow" } }],
      // Import.
      ["import without key", "PUT", "/keys/interop-bad", {}],
      ["import a key that is not an object", "PUT", "/keys/interop-bad", { key: "RSA" }],
      ["import a public-only RSA JWK", "PUT", "/keys/interop-bad", { key: { kty: "RSA", n: rsaJwk.n, e: rsaJwk.e } }],
      ["import a public-only EC JWK", "PUT", "/keys/interop-bad", { key: { kty: "EC", crv: "P-384", x: p384.x, y: p384.y } }],
      ["import garbage base64url", "PUT", "/keys/interop-bad", { key: { ...rsaJwk, n: "!!not*base64url!!" } }],
      ["import a JWK with the wrong curve", "PUT", "/keys/interop-bad", { key: { ...p384, crv: "P-256" } }],
      ["import an unknown curve", "PUT", "/keys/interop-bad", { key: { ...p384, crv: "P-192" } }],
      ["import a point off the curve", "PUT", "/keys/interop-bad", { key: { kty: "EC", crv: "P-256", x: d32, y: d32, d: d32 } }],
      ["import an inconsistent RSA key", "PUT", "/keys/interop-bad", { key: { ...rsaJwk, d: otherRsa.d } }],
      ["import an RSA 1024 key", "PUT", "/keys/interop-bad", { key: rsa1024 }],
      ["import oct", "PUT", "/keys/interop-bad", { key: { kty: "oct", k: d32 } }],
      ["import with an unknown key_op", "PUT", "/keys/interop-bad", { key: { ...rsaJwk, key_ops: ["fly"] } }],
      // Update.
      ["update with an unknown key_op", "PATCH", `/keys/${rsa.name}`, { key_ops: ["fly"] }],
      ["update with nbf a string", "PATCH", `/keys/${rsa.name}`, { attributes: { nbf: "now" } }],
      // Algorithms.
      ["sign ES256 with an RSA key", "POST", opPath(rsa, "sign"), { alg: "ES256", value: d32 }],
      ["sign RS256 with an EC key", "POST", opPath(ec, "sign"), { alg: "RS256", value: d32 }],
      ["sign ES384 with a P-256 key", "POST", opPath(ec, "sign"), { alg: "ES384", value: b64(randomBytes(48)) }],
      ["sign ES256K with a P-256 key", "POST", opPath(ec, "sign"), { alg: "ES256K", value: d32 }],
      ["sign with RSNULL", "POST", opPath(rsa, "sign"), { alg: "RSNULL", value: d32 }],
      ["sign with an unknown alg", "POST", opPath(rsa, "sign"), { alg: "XYZ", value: d32 }],
      ["sign without alg", "POST", opPath(rsa, "sign"), { value: d32 }],
      ["verify PS256 with an EC key", "POST", opPath(ec, "verify"), { alg: "PS256", digest: d32, value: b64(randomBytes(64)) }],
      ["encrypt with A256GCM", "POST", opPath(rsa, "encrypt"), { alg: "A256GCM", value: d32 }],
      ["wrap with A256KW", "POST", opPath(rsa, "wrapkey"), { alg: "A256KW", value: d32 }],
      ["encrypt with RS256", "POST", opPath(rsa, "encrypt"), { alg: "RS256", value: d32 }],
      ["decrypt without value", "POST", opPath(rsa, "decrypt"), { alg: "RSA-OAEP" }],
      // Digest lengths.
      ...[31, 33, 0].map((n) => [
        `sign RS256 with a ${n}-byte digest`,
        "POST",
        opPath(rsa, "sign"),
        { alg: "RS256", value: b64(randomBytes(n)) },
      ]),
      ["sign ES256 with a 48-byte digest", "POST", opPath(ec, "sign"), { alg: "ES256", value: b64(randomBytes(48)) }],
      ["sign PS512 with a 32-byte digest", "POST", opPath(rsa, "sign"), { alg: "PS512", value: d32 }],
      ["verify RS256 with a 20-byte digest", "POST", opPath(rsa, "verify"), { alg: "RS256", digest: b64(randomBytes(20)), value: d32 }],
      ["verify without digest", "POST", opPath(rsa, "verify"), { alg: "RS256", value: b64(randomBytes(256)) }],
      // Garbage base64url.
      ["sign a value that is not base64url", "POST", opPath(rsa, "sign"), { alg: "RS256", value: "***" }],
      ["verify a digest that is not base64url", "POST", opPath(rsa, "verify"), { alg: "RS256", digest: "?!", value: d32 }],
      ["decrypt a value that is not base64url", "POST", opPath(rsa, "decrypt"), { alg: "RSA-OAEP", value: "%%%%" }],
      // Ciphertexts.
      ["decrypt 10 bytes", "POST", opPath(rsa, "decrypt"), { alg: "RSA-OAEP", value: b64(randomBytes(10)) }],
      ["decrypt 257 bytes", "POST", opPath(rsa, "decrypt"), { alg: "RSA-OAEP-256", value: b64(randomBytes(257)) }],
      ["decrypt 256 random bytes", "POST", opPath(rsa, "decrypt"), { alg: "RSA-OAEP", value: garbage256 }],
      ["unwrap 256 random bytes with RSA1_5", "POST", opPath(rsa, "unwrapkey"), { alg: "RSA1_5", value: garbage256 }],
      // Random bytes.
      ...[0, 129, -1, 1.5, 1e12, "ten", null].map((count) => [`rng count ${JSON.stringify(count)}`, "POST", "/rng", { count }]),
      ["rng without count", "POST", "/rng", {}],
      // Rotation policies.
      ["a policy with a duration that is not ISO 8601", "PUT", `/keys/${rsa.name}/rotationpolicy`, policy("soon")],
      ["a policy with an unknown action", "PUT", `/keys/${rsa.name}/rotationpolicy`, policy("P30D", "Explode")],
      ["a policy with a trigger below 7 days", "PUT", `/keys/${rsa.name}/rotationpolicy`, policy("P1D")],
      ["a policy with expiryTime below 28 days", "PUT", `/keys/${rsa.name}/rotationpolicy`, {
        ...policy("P30D"),
        attributes: { expiryTime: "P7D" },
      }],
      // Release.
      ["release without target", "POST", opPath(rsa, "release"), {}],
      // Restore.
      ["restore a blob that is not base64url", "POST", "/keys/restore", { value: "***" }],
      ["restore a blob that is not a backup", "POST", "/keys/restore", { value: b64(randomBytes(40)) }],
    ];

    const failures = [];
    for (const [label, method, path, body] of cases) {
      const res = await kv(method, path, body);
      if (res.status !== 400 || res.body?.error?.code !== "BadParameter" || typeof res.body.error.message !== "string") {
        failures.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} bad requests were not answered 400 BadParameter`);

    // Still serving, and nothing was ever a 5xx.
    assert.equal((await ok("GET", `/keys/${rsa.name}`)).key.kid, rsa.jwk.kid);
    const signed = await ok("POST", opPath(ec, "sign"), { alg: "ES256", value: d32 });
    assert.equal(unb64(signed.value).length, 64);
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
    const serverErrors = Object.entries(stats.byStatus).filter(([status]) => status >= "500");
    assert.deepEqual(serverErrors, []);
  });

  test("a wrong-length signature is simply not valid", async () => {
    for (const alg of ["RS256", "ES256"]) {
      const key = signerOf(made, alg);
      for (const size of [0, 10, 300]) {
        const body = { alg, digest: b64(digestOf(alg, "x")), value: b64(randomBytes(size)) };
        const res = await kv("POST", opPath(key, "verify"), body);
        assert.ok(res.status === 200 || res.status === 400, `${alg} ${size}: ${res.status}`);
        if (res.status === 200) assert.deepEqual(res.body, { value: false });
      }
    }
  });

  test("expired and not-yet-valid keys: sign, encrypt, wrapkey are 403; decrypt, unwrapkey, verify work", async () => {
    // Microsoft Learn, "About keys" > "Date-time controlled operations": keys outside the
    // nbf/exp window work for decrypt, release, unwrap and verify (they don't return 403).
    const pair = imported.rsa.pair;
    const data = Buffer.from("date-time controlled");
    const digest = digestOf("RS256", data);
    const signature = nodeSignature("RS256", pair.privateKey, data);
    const ciphertext = publicEncrypt({ key: pair.publicKey, ...ENCRYPTION["RSA-OAEP-256"] }, Buffer.from("p"));
    const now = Math.floor(Date.now() / 1000);
    for (const [label, attributes] of [
      ["expired", { exp: now - 86400 }],
      ["not yet valid", { nbf: now + 86400 }],
    ]) {
      const name = `interop-${label.replaceAll(" ", "-")}`;
      const bundle = await ok("PUT", `/keys/${name}`, { key: { ...privateJwk(pair) }, attributes });
      const key = keyOf(bundle);
      for (const [op, body] of [
        ["sign", { alg: "RS256", value: b64(digest) }],
        ["encrypt", { alg: "RSA-OAEP-256", value: b64("p") }],
        ["wrapkey", { alg: "RSA-OAEP-256", value: b64("p") }],
      ]) {
        const res = await kv("POST", opPath(key, op), body);
        assert.equal(res.status, 403, `${label} ${op}`);
        assert.equal(res.body.error.code, "Forbidden");
      }
      const results = {};
      for (const [op, body] of [
        ["verify", { alg: "RS256", digest: b64(digest), value: b64(signature) }],
        ["decrypt", { alg: "RSA-OAEP-256", value: b64(ciphertext) }],
        ["unwrapkey", { alg: "RSA-OAEP-256", value: b64(ciphertext) }],
      ]) {
        const res = await kv("POST", opPath(key, op), body);
        results[op] = res.status === 200 ? res.body.value : `${res.status} ${res.body?.error?.code}`;
      }
      assert.deepEqual(results, { verify: true, decrypt: b64("p"), unwrapkey: b64("p") }, label);
    }
  });
});
