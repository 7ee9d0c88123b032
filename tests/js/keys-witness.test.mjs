// Witness for the keys plane: the official @azure/keyvault-keys KeyClient and CryptographyClient,
// through their whole surface, against a dedicated emulator. If the emulator differs from the real
// service in a way the official SDK notices, this file fails. Like the secrets witness, the
// emulator runs with a 1.5 s delete-visibility window so the delete poller rides through the real
// service's 404 window.
//
// The official CryptographyClient does some operations itself when it holds the public key
// (encrypt and wrapKey with RSA-OAEP / RSA1_5, verifyData with RS*/PS*) and refuses locally what
// the key's attributes forbid (key_ops, nbf/exp). The tests count which requests reach the
// emulator (`GET /_emulator/stats`) and use a client made before a key changed to reach the
// service's own checks.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import {
  SIGNATURE_ALGORITHMS,
  byName,
  collect,
  emulatorOptions,
  failure,
  nodePublicKey,
  nodeVerify,
  pages,
  pool,
  startEmulator,
} from "./helpers.mjs";

const DAY_MS = 86_400_000;
const credential = { getToken: async () => ({ token: "witness-token", expiresOnTimestamp: Date.now() + 3600e3 }) };
const poll = { intervalInMs: 50 };
const PRIVATE_PARTS = ["d", "p", "q", "dp", "dq", "qi", "k", "t"];
const RSA_DEFAULT_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];

let emulator;
let client;
/** Keys made once in `before` and shared by the tests that only use them. */
const shared = {};
/** The one RSA-4096 key, made in the background from the start (it is slow). */
let rsa4096;

const manage = async (path, init) => {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, init);
  return res.status === 204 ? null : res.json();
};

/** Requests counted so far on routes matching `re` (e.g. /\/sign$/). */
async function routeCount(re) {
  const { byRoute } = await manage("stats");
  return Object.entries(byRoute)
    .filter(([route]) => re.test(route))
    .reduce((n, [, count]) => n + count, 0);
}

/**
 * A CryptographyClient that has been through the 401 challenge already (each new client meets it
 * once, on its first request), so the emulator's counters show only the operations that follow.
 * It warms up with a `verify` of a wrong signature, which every shared key allows.
 */
async function warmCrypto(source, alg) {
  const cc = crypto(source);
  const { hash, kind, crv } = SIGNATURE_ALGORITHMS[alg];
  const size = kind === "ES" ? { "P-256": 64, "P-256K": 64, "P-384": 96, "P-521": 132 }[crv] : 256;
  const verdict = await cc.verify(alg, createHash(hash).update("warm").digest(), Buffer.alloc(size, 1));
  assert.equal(verdict.result, false);
  return cc;
}

const digestOf = (alg, data) => createHash(SIGNATURE_ALGORITHMS[alg].hash).update(data).digest();
const crypto = (key) => new CryptographyClient(key, credential, { ...emulatorOptions });
const fromB64 = (s) => Buffer.from(s, "base64url");

/** x, y, d of a fresh P-256 key from node:crypto, as the SDK's JsonWebKey wants them. */
function ecPrivateParts() {
  const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return { x: fromB64(jwk.x), y: fromB64(jwk.y), d: fromB64(jwk.d) };
}

const RELEASE_POLICY = {
  anyOf: [{ allOf: [{ claim: "sdk-test", equals: "true" }], authority: "https://attestation.example" }],
  version: "1.0.0",
};
const encode = (json) => new TextEncoder().encode(JSON.stringify(json));
let releasableKey;
/** The exportable EC-HSM key "witness-release" with RELEASE_POLICY, made once. */
function releasable() {
  releasableKey ??= client.createEcKey("witness-release", {
    exportable: true,
    hsm: true,
    releasePolicy: { encodedPolicy: encode(RELEASE_POLICY) },
  });
  return releasableKey;
}

function assertPublicOnly(key) {
  for (const part of PRIVATE_PARTS) assert.equal(key.key[part], undefined, `no ${part} in ${key.name}`);
}

async function deleteAndPurge(name) {
  await (await client.beginDeleteKey(name, poll)).pollUntilDone();
  await client.purgeDeletedKey(name);
}

before(async () => {
  emulator = await startEmulator(["--delete-visibility-delay-ms", "1500", "--seed", "11"]);
  client = new KeyClient(emulator.url, credential, { ...emulatorOptions });
  rsa4096 = client.createRsaKey("witness-rsa-4096", { keySize: 4096 });
  rsa4096.catch(() => {}); // awaited (and reported) by its test
  const [rsa, p256, p384, p521, p256k] = await Promise.all([
    client.createRsaKey("witness-rsa"),
    client.createEcKey("witness-ec-p256", { curve: "P-256" }),
    client.createEcKey("witness-ec-p384", { curve: "P-384" }),
    client.createEcKey("witness-ec-p521", { curve: "P-521" }),
    client.createEcKey("witness-ec-p256k", { curve: "P-256K" }),
  ]);
  Object.assign(shared, { rsa, "P-256": p256, "P-384": p384, "P-521": p521, "P-256K": p256k });
});

after(async () => {
  await rsa4096?.catch(() => {});
  await emulator?.stop();
});

/** The shared key that signs with `alg`. */
const signerOf = (alg) => (SIGNATURE_ALGORITHMS[alg].kind === "ES" ? shared[SIGNATURE_ALGORITHMS[alg].crv] : shared.rsa);

describe("official KeyClient: create, import, get, update", () => {
  test("createRsaKey with every option", async () => {
    const notBefore = new Date(Date.UTC(2021, 5, 6, 7, 8, 9));
    const expiresOn = new Date(Date.UTC(2031, 0, 2, 3, 4, 5));
    const started = Date.now();
    const key = await client.createRsaKey("witness-rsa-options", {
      keySize: 2048,
      keyOps: ["sign", "verify"],
      tags: { team: "keys", purpose: "witness" },
      enabled: true,
      notBefore,
      expiresOn,
    });
    assert.equal(key.name, "witness-rsa-options");
    assert.equal(key.keyType, "RSA");
    assert.deepEqual(key.keyOperations, ["sign", "verify"]);
    assert.equal(key.key.kty, "RSA");
    assert.equal(key.key.n.length, 256, "a 2048-bit modulus");
    assert.deepEqual([...key.key.e], [1, 0, 1], "e = 65537");
    assertPublicOnly(key);
    const p = key.properties;
    assert.match(p.version, /^[0-9a-f]{32}$/);
    assert.equal(key.id, `${emulator.url}/keys/witness-rsa-options/${p.version}`);
    assert.equal(key.key.kid, key.id);
    assert.equal(p.id, key.id);
    assert.equal(p.vaultUrl, emulator.url);
    assert.deepEqual(p.tags, { team: "keys", purpose: "witness" });
    assert.equal(p.enabled, true);
    assert.deepEqual(p.notBefore, notBefore);
    assert.deepEqual(p.expiresOn, expiresOn);
    assert.ok(Math.abs(p.createdOn.getTime() - started) < 5000, `${p.createdOn}`);
    assert.deepEqual(p.updatedOn, p.createdOn);
    assert.equal(p.recoveryLevel, "Recoverable+Purgeable");
    assert.equal(p.recoverableDays, 90);
    assert.equal(p.exportable, false);
    assert.equal(p.hsmPlatform, "0");
    assert.equal(p.releasePolicy, undefined);
  });

  test("createKey with a manual type gets the default key_ops; hsm makes RSA-HSM; 3072 bits", async () => {
    // Key Vault (unlike Managed HSM) always makes e = 65537, whatever publicExponent says.
    const plain = await client.createKey("witness-manual-rsa", "RSA", { publicExponent: 3 });
    assert.equal(plain.keyType, "RSA");
    assert.deepEqual(plain.keyOperations, RSA_DEFAULT_OPS);
    assert.equal(plain.key.n.length, 256, "2048 bits unless asked");
    assert.deepEqual([...plain.key.e], [1, 0, 1]);

    const hsm = await client.createRsaKey("witness-rsa-hsm", { hsm: true });
    assert.equal(hsm.keyType, "RSA-HSM");
    assert.equal(hsm.key.kty, "RSA-HSM");
    assert.equal(hsm.properties.hsmPlatform, "2");
    assertPublicOnly(hsm);

    const big = await client.createKey("witness-rsa-3072", "RSA", { keySize: 3072 });
    assert.equal(big.key.n.length, 384, "a 3072-bit modulus");

    const disabled = await client.createEcKey("witness-ec-disabled", { enabled: false });
    assert.equal(disabled.properties.enabled, false);
  });

  test("createEcKey on every curve; EC-HSM", async () => {
    for (const [crv, size] of [["P-256", 32], ["P-384", 48], ["P-521", 66], ["P-256K", 32]]) {
      const key = shared[crv];
      assert.equal(key.keyType, "EC", crv);
      assert.equal(key.key.crv, crv);
      assert.equal(key.key.x.length, size, `${crv} x`);
      assert.equal(key.key.y.length, size, `${crv} y`);
      assert.deepEqual(key.keyOperations, ["sign", "verify"], crv);
      assert.equal(key.key.n, undefined);
      assertPublicOnly(key);
      assert.equal(key.properties.hsmPlatform, "0");
    }
    const manual = await client.createKey("witness-manual-ec", "EC");
    assert.equal(manual.key.crv, "P-256", "P-256 unless asked");
    const hsm = await client.createEcKey("witness-ec-hsm", { curve: "P-384", hsm: true });
    assert.equal(hsm.keyType, "EC-HSM");
    assert.equal(hsm.key.crv, "P-384");
    assert.equal(hsm.properties.hsmPlatform, "2");
  });

  test("importKey of an RSA and an EC key made by node:crypto; the answer has no private parts", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const rsaJwk = rsa.privateKey.export({ format: "jwk" });
    const rsaKey = Object.fromEntries(Object.entries(rsaJwk).map(([k, v]) => [k, k === "kty" ? v : fromB64(v)]));
    const imported = await client.importKey(
      "witness-import-rsa",
      { ...rsaKey, keyOps: ["sign", "verify", "encrypt", "decrypt"] },
      { hardwareProtected: true, tags: { origin: "node" } },
    );
    assert.equal(imported.keyType, "RSA-HSM", "Hsm: true makes an RSA-HSM key");
    assert.equal(imported.properties.hsmPlatform, "2");
    assert.deepEqual(Buffer.from(imported.key.n), fromB64(rsaJwk.n));
    assert.deepEqual(Buffer.from(imported.key.e), fromB64(rsaJwk.e));
    assert.deepEqual(imported.keyOperations, ["sign", "verify", "encrypt", "decrypt"]);
    assert.deepEqual(imported.properties.tags, { origin: "node" });
    assertPublicOnly(imported);
    // The vault signs with the imported private key: node verifies with its own public key.
    const signed = await crypto(imported).sign("RS256", digestOf("RS256", "imported"));
    assert.ok(nodeVerify("RS256", rsa.publicKey, Buffer.from("imported"), signed.result));

    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const ecJwk = ec.privateKey.export({ format: "jwk" });
    const ecImported = await client.importKey("witness-import-ec", {
      kty: "EC",
      crv: ecJwk.crv,
      x: fromB64(ecJwk.x),
      y: fromB64(ecJwk.y),
      d: fromB64(ecJwk.d),
    });
    assert.equal(ecImported.keyType, "EC");
    assert.equal(ecImported.key.crv, "P-384");
    assert.deepEqual(Buffer.from(ecImported.key.x), fromB64(ecJwk.x));
    assert.deepEqual(ecImported.keyOperations, ["sign", "verify"], "the default EC key_ops");
    assertPublicOnly(ecImported);
    const ecSigned = await crypto(ecImported.id).sign("ES384", digestOf("ES384", "imported"));
    assert.ok(nodeVerify("ES384", ec.publicKey, Buffer.from("imported"), ecSigned.result));
  });

  test("getKey: latest and by version", async () => {
    const first = await client.createEcKey("witness-get", { tags: { v: "1" } });
    const second = await client.createEcKey("witness-get");
    const latest = await client.getKey("witness-get");
    assert.equal(latest.properties.version, second.properties.version);
    assert.deepEqual(latest.key.x, second.key.x);
    assert.equal(latest.properties.tags, undefined, "a new version does not inherit tags");
    const old = await client.getKey("witness-get", { version: first.properties.version });
    assert.equal(old.id, first.id);
    assert.deepEqual(old.key.x, first.key.x);
    assert.notDeepEqual(old.key.x, latest.key.x);
    assert.deepEqual(old.properties.tags, { v: "1" });
    assertPublicOnly(old);
  });

  test("updateKeyProperties with and without a version; a disabled key is still readable", async () => {
    const first = await client.createEcKey("witness-update", { tags: { a: "1" } });
    const second = await client.createEcKey("witness-update");
    await manage("clock", { method: "POST", body: JSON.stringify({ advanceSeconds: 5 }) });
    const updated = await client.updateKeyProperties("witness-update", first.properties.version, {
      enabled: false,
      keyOps: ["verify"],
      tags: { b: "2" },
    });
    assert.equal(updated.properties.version, first.properties.version);
    assert.equal(updated.properties.enabled, false);
    assert.deepEqual(updated.keyOperations, ["verify"]);
    assert.deepEqual(updated.properties.tags, { b: "2" }, "tags are replaced as a whole");
    const moved = updated.properties.updatedOn.getTime() - updated.properties.createdOn.getTime();
    assert.ok(moved >= 5000 && moved <= 6000, `updated ${moved} ms after created (clock moved 5 s)`);
    assert.deepEqual(updated.key.x, first.key.x);

    const read = await client.getKey("witness-update", { version: first.properties.version });
    assert.equal(read.properties.enabled, false, "getKey of a disabled key works");
    assert.deepEqual(read.keyOperations, ["verify"]);

    const expiresOn = new Date(Date.UTC(2032, 1, 3, 4, 5, 6));
    const latest = await client.updateKeyProperties("witness-update", { expiresOn });
    assert.equal(latest.properties.version, second.properties.version, "without a version: the latest");
    assert.deepEqual(latest.properties.expiresOn, expiresOn);
    assert.equal(latest.properties.enabled, true, "unnamed properties stay");
    const reenabled = await client.updateKeyProperties("witness-update", first.properties.version, { enabled: true });
    assert.equal(reenabled.properties.enabled, true);
    assert.deepEqual(reenabled.properties.tags, { b: "2" });
  });
});

describe("official KeyClient: lists", () => {
  test("listPropertiesOfKeys pages over more than 25 keys, by name, without key material", async () => {
    const names = Array.from({ length: 27 }, (_, i) => `witness-list-${i}`);
    await pool(names.length, 4, (i) => client.createEcKey(names[i], { tags: { list: "yes" } }));
    const all = await collect(client.listPropertiesOfKeys());
    assert.ok(all.length > 27, `${all.length} keys`);
    assert.deepEqual(
      all.filter((p) => p.name.startsWith("witness-list-")).map((p) => p.name),
      [...names].sort(byName),
    );
    const everyName = all.map((p) => p.name);
    assert.deepEqual(everyName, [...everyName].sort(byName), "the whole listing is in name order");
    for (const p of all) {
      assert.equal(p.id, `${emulator.url}/keys/${p.name}`, "list items carry the base id");
      assert.equal(p.version, undefined);
      assert.equal("key" in p, false);
      assert.equal(p.vaultUrl, emulator.url);
    }
    assert.deepEqual(all.find((p) => p.name === "witness-list-0").tags, { list: "yes" });

    const small = await pages(client.listPropertiesOfKeys().byPage({ maxPageSize: 10 }));
    assert.ok(small.sizes.length >= 4, `${small.sizes}`);
    assert.ok(small.sizes.slice(0, -1).every((n) => n === 10), `${small.sizes}`);
    assert.deepEqual(small.items.map((p) => p.name), everyName);
    const big = await pages(client.listPropertiesOfKeys().byPage());
    assert.equal(big.sizes[0], 25);
    assert.deepEqual(big.items.map((p) => p.name), everyName);
  });

  test("listPropertiesOfKeyVersions pages over more than 25 versions", async () => {
    const versions = [];
    for (let i = 0; i < 27; i++) versions.push((await client.createEcKey("witness-versions")).properties.version);
    const all = await collect(client.listPropertiesOfKeyVersions("witness-versions"));
    assert.deepEqual(all.map((p) => p.version), [...versions].sort(), "sorted by version id");
    for (const p of all) {
      assert.equal(p.name, "witness-versions");
      assert.equal(p.id, `${emulator.url}/keys/witness-versions/${p.version}`);
    }
    const small = await pages(client.listPropertiesOfKeyVersions("witness-versions").byPage({ maxPageSize: 10 }));
    assert.deepEqual(small.sizes, [10, 10, 7]);
    const big = await pages(client.listPropertiesOfKeyVersions("witness-versions").byPage());
    assert.deepEqual(big.sizes, [25, 2]);
    assert.deepEqual(await collect(client.listPropertiesOfKeyVersions("witness-no-such-key")), []);
  });

});

// Each of these waits out the 1.5 s delete window: they run side by side.
describe("official KeyClient: soft delete, backup", { concurrency: true }, () => {
  test("beginDeleteKey rides through the 404 window; getDeletedKey and listDeletedKeys", async () => {
    const created = await client.createEcKey("witness-delete", { curve: "P-384", tags: { t: "1" } });
    const before404 = (await manage("stats")).byStatus["404"] ?? 0;
    const started = Date.now();
    const poller = await client.beginDeleteKey("witness-delete", poll);
    assert.equal(poller.getResult().name, "witness-delete", "the DELETE answer is the first result");
    const deleted = await poller.pollUntilDone();
    const waited = Date.now() - started;
    assert.ok(waited >= 1400, `the poller waited ${waited} ms`);
    const notYet = ((await manage("stats")).byStatus["404"] ?? 0) - before404;
    assert.ok(notYet >= 2, `the poller saw ${notYet} 404s while the delete was in progress`);

    assert.equal(deleted.name, "witness-delete");
    const p = deleted.properties;
    assert.equal(p.recoveryId, `${emulator.url}/deletedkeys/witness-delete`);
    assert.equal(p.version, created.properties.version);
    assert.equal(deleted.id, created.id);
    assert.deepEqual(deleted.key.x, created.key.x, "a deleted key bundle has the public key");
    assertPublicOnly(deleted);
    assert.deepEqual(p.tags, { t: "1" });
    assert.ok(p.deletedOn instanceof Date);
    assert.equal(p.scheduledPurgeDate.getTime() - p.deletedOn.getTime(), 90 * DAY_MS);

    const got = await client.getDeletedKey("witness-delete");
    assert.equal(got.properties.recoveryId, p.recoveryId);
    assert.deepEqual(got.properties.deletedOn, p.deletedOn);
    assert.deepEqual(got.properties.scheduledPurgeDate, p.scheduledPurgeDate);
    const listed = await collect(client.listDeletedKeys());
    const item = listed.find((d) => d.name === "witness-delete");
    assert.ok(item, "listed");
    assert.equal(item.properties.recoveryId, p.recoveryId);
    assert.equal(item.id, `${emulator.url}/keys/witness-delete`, "deleted list items carry the base id");
    assert.deepEqual(item.properties.scheduledPurgeDate, p.scheduledPurgeDate);
    const paged = await pages(client.listDeletedKeys().byPage({ maxPageSize: 1 }));
    // Other tests delete, recover and purge meanwhile: a page may come back short, never long.
    assert.ok(paged.sizes.every((n) => n <= 1), `${paged.sizes}`);
    assert.ok(paged.items.some((d) => d.name === "witness-delete"));

    const gone = await failure(client.getKey("witness-delete"));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.code, "KeyNotFound");
  });

  test("beginRecoverDeletedKey brings every version back", async () => {
    await client.createEcKey("witness-recover");
    const latest = await client.createEcKey("witness-recover");
    await (await client.beginDeleteKey("witness-recover", poll)).pollUntilDone();
    const recovered = await (await client.beginRecoverDeletedKey("witness-recover", poll)).pollUntilDone();
    assert.equal(recovered.name, "witness-recover");
    assert.equal(recovered.properties.version, latest.properties.version);
    assert.deepEqual(recovered.key.x, latest.key.x);
    const back = await client.getKey("witness-recover");
    assert.equal(back.id, latest.id);
    assert.equal((await collect(client.listPropertiesOfKeyVersions("witness-recover"))).length, 2);
    const notDeleted = await failure(client.getDeletedKey("witness-recover"));
    assert.equal(notDeleted.statusCode, 404);
    assert.equal(notDeleted.code, "KeyNotFound");
  });

  test("purgeDeletedKey removes it for good", async () => {
    await client.createEcKey("witness-purge");
    await deleteAndPurge("witness-purge");
    const purged = await failure(client.getDeletedKey("witness-purge"));
    assert.equal(purged.statusCode, 404);
    assert.ok(!(await collect(client.listDeletedKeys())).some((d) => d.name === "witness-purge"));
    const again = await failure(client.purgeDeletedKey("witness-purge"));
    assert.equal(again.statusCode, 404);
    const fresh = await client.createEcKey("witness-purge");
    assert.equal(fresh.name, "witness-purge");
  });

  test("409 Conflict for a soft-deleted name", async () => {
    await client.createEcKey("witness-conflict");
    await (await client.beginDeleteKey("witness-conflict", poll)).pollUntilDone();
    const conflict = await failure(client.createEcKey("witness-conflict"));
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.code, "Conflict");
    assert.equal(
      conflict.message,
      "Key witness-conflict is currently in a deleted but recoverable state, and its name cannot be reused; " +
        "in this state, the key can only be recovered or purged.",
    );
    const imported = await failure(
      client.importKey("witness-conflict", { kty: "EC", crv: "P-256", ...ecPrivateParts() }),
    );
    assert.equal(imported.statusCode, 409, "an import of a soft-deleted name");
    await client.purgeDeletedKey("witness-conflict");
  });

  test("backupKey, purge, restoreKeyBackup; the restored key still signs", async () => {
    const first = await client.createEcKey("witness-backup", { curve: "P-256", tags: { t: "1" } });
    const second = await client.createEcKey("witness-backup", { curve: "P-256" });
    const backup = await client.backupKey("witness-backup");
    assert.ok(backup instanceof Uint8Array && backup.length > 0);

    const whileLive = await failure(client.restoreKeyBackup(backup));
    assert.equal(whileLive.statusCode, 409);
    await deleteAndPurge("witness-backup");
    const restored = await client.restoreKeyBackup(backup);
    assert.equal(restored.name, "witness-backup");
    assert.equal(restored.properties.version, second.properties.version);
    assert.deepEqual(restored.key.x, second.key.x);
    assert.deepEqual(restored.properties.createdOn, second.properties.createdOn);
    assertPublicOnly(restored);
    const old = await client.getKey("witness-backup", { version: first.properties.version });
    assert.deepEqual(old.properties.tags, { t: "1" });

    const data = Buffer.from("signed after restore");
    const signed = await crypto(restored).sign("ES256", digestOf("ES256", data));
    assert.ok(nodeVerify("ES256", nodePublicKey(second.key), data, signed.result), "the same private key");
    const oldSigned = await crypto(old.id).signData("ES256", data);
    assert.ok(nodeVerify("ES256", nodePublicKey(first.key), data, oldSigned.result));

    const notABackup = await failure(client.restoreKeyBackup(new Uint8Array([1, 2, 3])));
    assert.equal(notABackup.statusCode, 400);
    const missing = await failure(client.backupKey("witness-never-created"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "KeyNotFound");
  });
});

describe("official KeyClient: rotation, random bytes, release, errors", () => {
  test("getKeyRotationPolicy of a key without a policy is the default Notify", async () => {
    await client.createEcKey("witness-no-policy");
    const policy = await client.getKeyRotationPolicy("witness-no-policy");
    assert.equal(policy.id, `${emulator.url}/keys/witness-no-policy/rotationpolicy`);
    assert.deepEqual(policy.lifetimeActions, [{ action: "Notify", timeAfterCreate: undefined, timeBeforeExpiry: "P30D" }]);
    assert.equal(policy.expiresIn, undefined);
    const missing = await failure(client.getKeyRotationPolicy("witness-never-created"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "KeyNotFound");
  });

  test("updateKeyRotationPolicy adds the default Notify; rotateKey applies expiryTime", async () => {
    const key = await client.createEcKey("witness-rotate", { curve: "P-384" });
    const policy = await client.updateKeyRotationPolicy("witness-rotate", {
      expiresIn: "P90D",
      lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }],
    });
    assert.equal(policy.id, `${emulator.url}/keys/witness-rotate/rotationpolicy`);
    assert.equal(policy.expiresIn, "P90D");
    assert.deepEqual(policy.lifetimeActions, [
      { action: "Rotate", timeAfterCreate: "P30D", timeBeforeExpiry: undefined },
      { action: "Notify", timeAfterCreate: undefined, timeBeforeExpiry: "P30D" },
    ]);
    assert.ok(policy.createdOn instanceof Date && policy.updatedOn instanceof Date);
    assert.deepEqual(await client.getKeyRotationPolicy("witness-rotate"), policy);

    const rotated = await client.rotateKey("witness-rotate");
    assert.notEqual(rotated.properties.version, key.properties.version);
    assert.notDeepEqual(rotated.key.x, key.key.x, "new key material");
    assert.equal(rotated.key.crv, "P-384", "same curve");
    assert.deepEqual(rotated.keyOperations, ["sign", "verify"], "same key_ops (C++ recording RotateKey)");
    assert.equal(
      rotated.properties.expiresOn.getTime() - rotated.properties.createdOn.getTime(),
      90 * DAY_MS,
      "exp = created + expiryTime",
    );
    assert.equal((await client.getKey("witness-rotate")).properties.version, rotated.properties.version);

    // Replacing the policy: a Notify of its own stays the only one.
    const replaced = await client.updateKeyRotationPolicy("witness-rotate", {
      expiresIn: "P60D",
      lifetimeActions: [{ action: "Notify", timeBeforeExpiry: "P10D" }],
    });
    assert.deepEqual(replaced.lifetimeActions, [{ action: "Notify", timeAfterCreate: undefined, timeBeforeExpiry: "P10D" }]);
    assert.deepEqual(replaced.createdOn, policy.createdOn, "the policy keeps its creation time");

    const missing = await failure(client.rotateKey("witness-never-created"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "KeyNotFound");
  });

  test("a new version created under a policy with expiryTime gets exp = created + expiryTime", async () => {
    // Real service: the C++ SDK recordings KeyVaultKeyClient.GetKeyRotationPolicy / RotateKey
    // (api-version 7.3) create a version (no exp in the request) of a key whose policy already
    // had expiryTime P48M; the answer carries exp = created + 48 months.
    await client.createEcKey("witness-policy-create");
    await client.updateKeyRotationPolicy("witness-policy-create", {
      expiresIn: "P90D",
      lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }],
    });
    const next = await client.createEcKey("witness-policy-create");
    assert.ok(next.properties.expiresOn, "the created version has an expiry from the policy");
    assert.equal(next.properties.expiresOn.getTime() - next.properties.createdOn.getTime(), 90 * DAY_MS);
  });

  test("getRandomBytes: 1..128 bytes; 0 and 129 are refused", async () => {
    const counts = Array.from({ length: 128 }, (_, i) => i + 1);
    const results = await pool(counts.length, 8, (i) => client.getRandomBytes(counts[i]));
    results.forEach((r, i) => {
      assert.ok(r.ok, `count ${counts[i]}: ${r.error}`);
      assert.ok(r.value instanceof Uint8Array);
      assert.equal(r.value.length, counts[i]);
    });
    assert.notDeepEqual(results[127].value, (await client.getRandomBytes(128)), "random");
    for (const count of [0, 129]) {
      const refused = await failure(client.getRandomBytes(count));
      assert.equal(refused.statusCode, 400, `count ${count}`);
      assert.equal(refused.code, "BadParameter");
    }
  });

  test("releaseKey of a version is refused without a verifiable attestation", async () => {
    const key = await releasable();
    assert.equal(key.properties.exportable, true);
    const refused = await failure(
      client.releaseKey("witness-release", "not-an-attestation-token", { version: key.properties.version }),
    );
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, "BadParameter");
    const notExportable = await failure(client.releaseKey("witness-rsa", "token", { version: shared.rsa.properties.version }));
    assert.equal(notExportable.statusCode, 400);
    assert.equal(notExportable.code, "BadParameter");
    const missing = await failure(client.releaseKey("witness-never-created", "token", { version: "0".repeat(32) }));
    assert.equal(missing.statusCode, 404);
  });

  test("releaseKey without a version (POST /keys/{name}/release) is refused the same way", async () => {
    // The SDK's URL template is /keys/{key-name}{/key-version}/release: without a version it
    // posts to /keys/{name}/release, which the service serves (the SDK's live test "can create an
    // exportable key and release it" releases that way).
    await releasable();
    const refused = await failure(client.releaseKey("witness-release", "not-an-attestation-token"));
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, "BadParameter");
  });

  test("a key bundle carries its release policy (release_policy)", async () => {
    const key = await releasable();
    for (const got of [key, await client.getKey("witness-release")]) {
      assert.ok(got.properties.releasePolicy, "the SDK reads release_policy into properties.releasePolicy");
      assert.deepEqual(JSON.parse(new TextDecoder().decode(got.properties.releasePolicy.encodedPolicy)), RELEASE_POLICY);
      assert.equal(got.properties.releasePolicy.immutable, false);
    }
  });

  // Recorded answers (azure-sdk-for-js keyvault-keys node recordings, api-version 7.3): all 400
  // BadParameter with these messages.
  test("AKV.SKR.1004: exportable keys must have a release policy", async () => {
    const refused = await failure(client.createEcKey("witness-skr", { exportable: true, hsm: true }));
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, "BadParameter");
    assert.equal(refused.message, "AKV.SKR.1004: Exportable keys must have release policy.");
  });

  test("AKV.SKR.1005: non-exportable keys must not have a release policy", async () => {
    const refused = await failure(
      client.createEcKey("witness-skr", { hsm: true, releasePolicy: { encodedPolicy: encode(RELEASE_POLICY) } }),
    );
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, "BadParameter");
    assert.equal(refused.message, "AKV.SKR.1005: Non-exportable keys must not have release policy.");
  });

  test("AKV.SKR.1020: an immutable release policy cannot be modified", async () => {
    await client.createEcKey("witness-skr-immutable", {
      exportable: true,
      hsm: true,
      releasePolicy: { encodedPolicy: encode(RELEASE_POLICY), immutable: true },
    });
    const other = encode({ anyOf: [{ anyOf: [{ claim: "c", equals: "false" }], authority: "https://a.example" }] });
    const refused = await failure(
      client.updateKeyProperties("witness-skr-immutable", { releasePolicy: { encodedPolicy: other, immutable: true } }),
    );
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, "BadParameter");
    assert.equal(refused.message, "AKV.SKR.1020: Immutable Key Release Policy cannot be modified.");
  });

  test("the service's errors: 404, 400 for oct, RSA 1024, bad curves, names and key_ops", async () => {
    const missing = await failure(client.getKey("witness-never-created"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "KeyNotFound");
    assert.match(missing.message, /A key with \(name\/id\) witness-never-created was not found in this key vault/);
    const missingVersion = await failure(client.getKey("witness-rsa", { version: "0".repeat(32) }));
    assert.equal(missingVersion.statusCode, 404);
    assert.equal(missingVersion.code, "KeyNotFound");
    const missingDelete = await failure(client.beginDeleteKey("witness-never-created", poll));
    assert.equal(missingDelete.statusCode, 404);


    const oct = await failure(client.createKey("witness-oct", "oct"));
    assert.equal(oct.statusCode, 400);
    assert.equal(oct.code, "BadParameter");
    assert.match(oct.message, /oct/);
    const small = await failure(client.createRsaKey("witness-rsa-1024", { keySize: 1024 }));
    assert.equal(small.statusCode, 400);
    assert.equal(small.code, "BadParameter");
    const badCurve = await failure(client.createKey("witness-bad-curve", "EC", { curve: "P-192" }));
    assert.equal(badCurve.statusCode, 400);
    const badName = await failure(client.createEcKey("bad_name"));
    assert.equal(badName.statusCode, 400);
    assert.equal(badName.code, "BadParameter");
    const badOps = await failure(client.createEcKey("witness-bad-ops", { keyOps: ["fly"] }));
    assert.equal(badOps.statusCode, 400);
  });
});

describe("official CryptographyClient", () => {
  test("sign and verify with all 10 algorithms, from a KeyVaultKey, a key id and a versionless id", async () => {
    for (const alg of Object.keys(SIGNATURE_ALGORITHMS)) {
      const key = signerOf(alg);
      const data = Buffer.from(`witness data for ${alg}`);
      const digest = digestOf(alg, data);
      const publicKey = nodePublicKey(key.key);
      const clients = [];
      for (const [how, source] of [
        ["KeyVaultKey", key],
        ["key id", key.id],
        ["versionless id", `${emulator.url}/keys/${key.name}`],
      ]) {
        clients.push([how, await warmCrypto(source, alg)]);
      }
      const signsBefore = await routeCount(/\/sign$/);
      const verifiesBefore = await routeCount(/\/verify$/);
      for (const [how, cc] of clients) {
        const signed = await cc.sign(alg, digest);
        assert.equal(signed.algorithm, alg);
        assert.equal(signed.keyID, key.id, `${alg} ${how}: the versioned kid`);
        assert.ok(nodeVerify(alg, publicKey, data, signed.result), `${alg} ${how}: node verifies`);
        const verified = await cc.verify(alg, digest, signed.result);
        assert.equal(verified.result, true, `${alg} ${how}`);
        const tampered = Buffer.from(signed.result);
        tampered[tampered.length >> 1] ^= 0x01;
        assert.equal((await cc.verify(alg, digest, tampered)).result, false, `${alg} ${how}: tampered`);
      }
      assert.equal((await routeCount(/\/sign$/)) - signsBefore, 3, `${alg}: every sign reached the emulator`);
      assert.equal((await routeCount(/\/verify$/)) - verifiesBefore, 6, `${alg}: every verify reached the emulator`);
    }
  });

  test("signData and verifyData", async () => {
    for (const alg of Object.keys(SIGNATURE_ALGORITHMS)) {
      const key = signerOf(alg);
      const data = Buffer.from(`data for ${alg}`);
      const cc = crypto(key);
      const signed = await cc.signData(alg, data);
      assert.ok(nodeVerify(alg, nodePublicKey(key.key), data, signed.result), `${alg}: node verifies`);
      // ES*: verified by the emulator. RS*/PS*: verified by the SDK itself with the public key
      // (node:crypto createVerify), which knows no PSS padding: @azure/keyvault-keys 4.10.2 answers
      // false for every valid PS* signature that way, whatever the service. The service's own
      // verdict on PS* is asserted (with verify) in the test above.
      const verified = await cc.verifyData(alg, data, signed.result);
      if (SIGNATURE_ALGORITHMS[alg].kind !== "PS") assert.equal(verified.result, true, alg);
      const digest = digestOf(alg, data);
      assert.equal((await cc.verify(alg, digest, signed.result)).result, true, `${alg}: the emulator verifies`);
      const other = await crypto(key.id).verifyData(alg, Buffer.from("other data"), signed.result);
      assert.equal(other.result, false, `${alg}: other data`);
    }
  });

  test("encrypt/decrypt and wrapKey/unwrapKey with RSA-OAEP, RSA-OAEP-256 and RSA1_5", async () => {
    const key = shared.rsa;
    const plaintext = Buffer.from("a secret message");
    const cek = Buffer.alloc(32, 7);
    const clients = [await warmCrypto(key, "RS256"), await warmCrypto(key.id, "RS256")];
    const before = {
      encrypt: await routeCount(/\/encrypt$/),
      decrypt: await routeCount(/\/decrypt$/),
      wrap: await routeCount(/\/wrapkey$/),
      unwrap: await routeCount(/\/unwrapkey$/),
    };
    for (const algorithm of ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"]) {
      for (const cc of clients) {
        const encrypted = await cc.encrypt({ algorithm, plaintext });
        assert.equal(encrypted.algorithm, algorithm);
        assert.equal(encrypted.result.length, 256, `${algorithm}: one modulus`);
        const decrypted = await cc.decrypt({ algorithm, ciphertext: encrypted.result });
        assert.deepEqual(Buffer.from(decrypted.result), plaintext, algorithm);
        assert.equal(decrypted.keyID, key.id);
        const wrapped = await cc.wrapKey(algorithm, cek);
        const unwrapped = await cc.unwrapKey(algorithm, wrapped.result);
        assert.deepEqual(Buffer.from(unwrapped.result), cek, algorithm);
      }
    }
    // With the public key at hand, the SDK encrypts and wraps RSA-OAEP and RSA1_5 itself (with
    // node:crypto); RSA-OAEP-256 and every decrypt/unwrap go to the service.
    assert.equal((await routeCount(/\/encrypt$/)) - before.encrypt, 2, "only RSA-OAEP-256 encrypts remotely");
    assert.equal((await routeCount(/\/wrapkey$/)) - before.wrap, 2, "only RSA-OAEP-256 wraps remotely");
    assert.equal((await routeCount(/\/decrypt$/)) - before.decrypt, 6);
    assert.equal((await routeCount(/\/unwrapkey$/)) - before.unwrap, 6);
  });

  test("a key whose key_ops lacks sign: 403 Forbidden from the service", async () => {
    const key = await client.createEcKey("witness-no-sign");
    const stale = crypto(key); // made while the key could still sign
    await client.updateKeyProperties("witness-no-sign", key.properties.version, { keyOps: ["verify"] });
    const digest = digestOf("ES256", "x");
    const forbidden = await failure(stale.sign("ES256", digest));
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.code, "Forbidden");
    assert.match(forbidden.message, /sign/);
    // A client that knows the key's key_ops refuses before asking.
    const signs = await routeCount(/\/sign$/);
    const local = await failure(crypto(key.id).sign("ES256", digest));
    assert.match(local.message, /Operation sign is not supported on key/);
    assert.equal(await routeCount(/\/sign$/), signs, "no request");
  });

  test("a disabled key: 403 Forbidden", async () => {
    const key = await client.createEcKey("witness-disabled-ops");
    await client.updateKeyProperties("witness-disabled-ops", key.properties.version, { enabled: false });
    const digest = digestOf("ES256", "x");
    for (const source of [key, key.id]) {
      const forbidden = await failure(crypto(source).sign("ES256", digest));
      assert.equal(forbidden.statusCode, 403);
      assert.equal(forbidden.code, "Forbidden");
    }
    const verify = await failure(crypto(key).verify("ES256", digest, Buffer.alloc(64)));
    assert.equal(verify.statusCode, 403, "a disabled key does nothing");
  });

  test("an expired key: 403 for sign, encrypt and wrapKey; decrypt, unwrapKey and verify still work", async () => {
    const key = await client.createRsaKey("witness-expired");
    const stale = crypto(key); // made while the key was valid
    const digest = digestOf("RS256", "x");
    const signed = await stale.sign("RS256", digest);
    const encrypted = await stale.encrypt({ algorithm: "RSA-OAEP-256", plaintext: Buffer.from("p") });
    const wrapped = await stale.wrapKey("RSA-OAEP-256", Buffer.alloc(16, 1));
    await client.updateKeyProperties("witness-expired", key.properties.version, {
      expiresOn: new Date(Date.now() - DAY_MS),
    });

    const sign = await failure(stale.sign("RS256", digest));
    assert.equal(sign.statusCode, 403);
    assert.equal(sign.code, "Forbidden");
    const encrypt = await failure(stale.encrypt({ algorithm: "RSA-OAEP-256", plaintext: Buffer.from("p") }));
    assert.equal(encrypt.statusCode, 403);
    const wrap = await failure(stale.wrapKey("RSA-OAEP-256", Buffer.alloc(16, 1)));
    assert.equal(wrap.statusCode, 403);
    // Microsoft Learn, "About keys" > "Date-time controlled operations": keys outside nbf/exp
    // work for decrypt, release, unwrap and verify (they don't return 403).
    assert.equal((await stale.verify("RS256", digest, signed.result)).result, true);
    const decrypted = await stale.decrypt({ algorithm: "RSA-OAEP-256", ciphertext: encrypted.result });
    assert.deepEqual(Buffer.from(decrypted.result), Buffer.from("p"));
    assert.deepEqual(Buffer.from((await stale.unwrapKey("RSA-OAEP-256", wrapped.result)).result), Buffer.alloc(16, 1));

    // A client that reads the key first refuses an expired key before asking.
    const local = await failure(crypto(key.id).sign("RS256", digest));
    assert.match(local.message, /expired/);
  });

  test("a not-yet-valid key: 403 for sign", async () => {
    const key = await client.createEcKey("witness-not-yet");
    const stale = crypto(key);
    await client.updateKeyProperties("witness-not-yet", key.properties.version, {
      notBefore: new Date(Date.now() + 10 * DAY_MS),
    });
    const forbidden = await failure(stale.sign("ES256", digestOf("ES256", "x")));
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.code, "Forbidden");
  });
});

// Last, so that the key made in the background since `before` is ready by now.
describe("official KeyClient: RSA 4096", () => {
  test("createRsaKey 4096 (made once, in the background) signs", async () => {
    const key = await rsa4096;
    assert.equal(key.key.n.length, 512, "a 4096-bit modulus");
    const digest = digestOf("PS512", "4096");
    const signed = await crypto(key).sign("PS512", digest);
    assert.equal(signed.result.length, 512);
    assert.ok(nodeVerify("PS512", nodePublicKey(key.key), Buffer.from("4096"), signed.result));
  });
});
