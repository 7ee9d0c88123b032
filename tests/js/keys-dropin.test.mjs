// keyvault-keys-wasm/keys as a drop-in for @azure/keyvault-keys: programs written for the
// official package (tests/js/programs/keys/, in the style of its samples) run against the
// emulator as written and again with only their import line changed, and print the same.
// Then what only the drop-in does: errors without the token, dates after 2038, one connection
// for getCryptographyClient, a key fetched once, local cryptography that the official client
// gets wrong or leaves to the service, bad input refused before any request; and the pollers
// against a delete window, as the official ones behave.
import assert from "node:assert/strict";
import { constants, generateKeyPairSync, privateDecrypt } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { isRestError as officialIsRestError } from "@azure/core-rest-pipeline";
import * as official from "@azure/keyvault-keys";
import {
  CryptographyClient,
  isRestError,
  KeyClient,
  KnownDeletionRecoveryLevel,
  KnownEncryptionAlgorithms,
  KnownKeyCurveNames,
  KnownKeyExportEncryptionAlgorithm,
  KnownKeyOperations,
  KnownKeyTypes,
  KnownSignatureAlgorithms,
  parseKeyVaultKeyIdentifier,
  RestError,
} from "keyvault-keys-wasm/keys";
import { assertNotFoundRestError, emulatorOptions, emulatorUrl, repoFile, startEmulator, testProgramsBothWays, uniqueName } from "./helpers.mjs";

const OFFICIAL = '"@azure/keyvault-keys"';
const OURS = '"keyvault-keys-wasm/keys"';
const programs = repoFile("tests/js/programs/keys");
// Inside the repository, so both imports resolve (the package refers to itself by name).
const scratch = repoFile("target/dropin-programs/keys");
const credential = { getToken: async () => ({ token: "secret-token-value", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const data = new TextEncoder().encode("data signed in the vault");

testProgramsBothWays(test, programs, OFFICIAL, OURS, scratch);

test("errors are RestErrors with the request and response, never the token", async () => {
  const client = new KeyClient(await emulatorUrl(), credential, emulatorOptions);
  const e = await client.getKey(uniqueName("missing")).catch((x) => x);
  assertNotFoundRestError(e, { RestError, isRestError, officialIsRestError, code: "KeyNotFound", collection: "keys", token: "secret-token-value" });

  // The same from a CryptographyClient's operation on a disabled key.
  const key = await client.createRsaKey(uniqueName("disabled"));
  await client.updateKeyProperties(key.name, key.properties.version, { enabled: false });
  const refused = await client.getCryptographyClient(key.name).sign("RS256", new Uint8Array(32)).catch((x) => x);
  assert.ok(refused instanceof RestError && officialIsRestError(refused));
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.request.method, "POST");
  assert.match(refused.request.url, /\/sign\?/);
  assert.equal(refused.request.headers.get("authorization"), undefined);
  assert.ok(!JSON.stringify({ ...refused, request: refused.request.headers.toJSON() }).includes("secret-token-value"));
});

test("dates after 2038 are sent as they are (the official package sends them wrapped)", async () => {
  const url = await emulatorUrl();
  const expiresOn = new Date(Date.UTC(2100, 0, 1));
  const client = new KeyClient(url, credential, emulatorOptions);
  const created = await client.createKey(uniqueName("y2100"), "EC", { expiresOn });
  assert.equal(created.properties.expiresOn.getTime(), expiresOn.getTime());
  assert.equal((await client.getKey(created.name)).properties.expiresOn.getTime(), expiresOn.getTime());
  const updated = await client.updateKeyProperties(created.name, { notBefore: expiresOn });
  assert.equal(updated.properties.notBefore.getTime(), expiresOn.getTime());

  const theirs = new official.KeyClient(url, credential, { ...emulatorOptions });
  const made = await theirs.createKey(uniqueName("y2100"), "EC", { expiresOn });
  const read = await theirs.getKey(made.name);
  assert.notEqual(read.properties.expiresOn.getTime(), expiresOn.getTime(), "if this fails, the official package was fixed: update the README");
});

test("parseKeyVaultKeyIdentifier reads ids (and refuses them) as the official one does", () => {
  const id = "https://v.vault.azure.net/keys/name/0123456789abcdef0123456789abcdef";
  assert.deepEqual(parseKeyVaultKeyIdentifier(id), {
    sourceId: id,
    vaultUrl: "https://v.vault.azure.net",
    name: "name",
    version: "0123456789abcdef0123456789abcdef",
  });
  const table = [
    id,
    "https://v.vault.azure.net/keys/name",
    "https://v.vault.azure.net/keys/name/",
    "https://v.vault.azure.net:443/keys/name/version",
    "http://127.0.0.1:8443/keys/My-Key/abc",
    "https://v.managedhsm.azure.net/keys/hsm-key/v1",
    "https://v.vault.azure.net/deletedkeys/name",
    "https://V.VAULT.AZURE.NET/KEYS/Name",
    "https://v.vault.azure.net/keys/name?api-version=7.5",
    "https://v.vault.azure.net/keys/na%20me",
    " https://v.vault.azure.net/keys/name ",
    "https://v.vault.azure.net/keys//v",
    "x://y/keys/%/a",
    "",
    " ",
    "nope",
    "keys/name",
    "https://v.vault.azure.net",
    "https://v.vault.azure.net/",
    "https://v.vault.azure.net/keys",
    "https://v.vault.azure.net/keys/a/b/c",
    "https://v.vault.azure.net//name",
    "https:///keys/a",
    "https://v/ keys/a",
  ];
  const outcome = (parse, x) => {
    try {
      return parse(x);
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  };
  let refused = 0;
  for (const x of table) {
    const ours = outcome(parseKeyVaultKeyIdentifier, x);
    assert.deepEqual(ours, outcome(official.parseKeyVaultKeyIdentifier, x), JSON.stringify(x));
    refused += typeof ours === "string" ? 1 : 0;
  }
  assert.ok(refused >= 8 && refused < table.length, `${refused} of ${table.length} refused`);
  // Not a string: both throw (the official one a TypeError from inside its parsing).
  for (const x of [undefined, null, 42]) {
    assert.throws(() => parseKeyVaultKeyIdentifier(x), Error);
    assert.throws(() => official.parseKeyVaultKeyIdentifier(x), TypeError);
  }
});

test("the Known* enums are the official ones", () => {
  const ours = {
    KnownDeletionRecoveryLevel,
    KnownEncryptionAlgorithms,
    KnownKeyCurveNames,
    KnownKeyExportEncryptionAlgorithm,
    KnownKeyOperations,
    KnownKeyTypes,
    KnownSignatureAlgorithms,
  };
  const theirs = Object.keys(official).filter((name) => name.startsWith("Known"));
  assert.deepEqual(theirs.sort(), Object.keys(ours).sort());
  for (const name of theirs) assert.deepEqual({ ...ours[name] }, { ...official[name] }, name);
});

test("every name the official package exports, ours exports too, of the same kind", async () => {
  const ours = await import("keyvault-keys-wasm/keys");
  for (const name of Object.keys(official)) assert.equal(typeof ours[name], typeof official[name], name);
});

describe("requests, counted at an emulator of its own", () => {
  let emulator;
  let client;

  before(async () => {
    emulator = await startEmulator();
    client = new KeyClient(emulator.url, credential, emulatorOptions);
  });
  after(() => emulator.stop());

  const stats = async () => (await fetch(`${emulator.url}/_emulator/stats`)).json();
  /** What the emulator received while `fn` ran. */
  async function counted(fn) {
    const reset = await fetch(`${emulator.url}/_emulator/stats`, { method: "DELETE" });
    assert.equal(reset.status, 204);
    const value = await fn();
    return { value, ...(await stats()) };
  }

  test("a CryptographyClient from a key id fetches the key once; then RSA-OAEP encrypt and verifyData send nothing", async () => {
    const key = await client.createRsaKey(uniqueName("once"));
    const signature = (await client.getCryptographyClient(key.name).signData("RS256", data)).result;
    const crypto = new CryptographyClient(key.id, credential, emulatorOptions);

    const first = await counted(() => crypto.encrypt("RSA-OAEP", data));
    assert.deepEqual(Object.keys(first.byRoute), ["GET /keys/{name}/{version}"], JSON.stringify(first.byRoute));
    assert.equal(first.byStatus["200"], 1, JSON.stringify(first.byStatus));
    assert.equal(first.value.keyID, key.id);
    assert.equal(crypto.keyID, key.id);

    const later = await counted(async () => [
      await crypto.encrypt({ algorithm: "RSA-OAEP", plaintext: data }),
      await crypto.encrypt("RSA-OAEP-256", data),
      await crypto.wrapKey("RSA-OAEP", data),
      await crypto.verifyData("RS256", data, signature),
      await crypto.verifyData("RS256", new TextEncoder().encode("other data"), signature),
    ]);
    assert.equal(later.requests, 0, JSON.stringify(later.byRoute));
    const [oaep, oaep256, wrapped, verified, tampered] = later.value;
    assert.equal(verified.result, true);
    assert.equal(tampered.result, false);
    // What was made locally, the vault reads back.
    const vault = client.getCryptographyClient(key.name);
    assert.deepEqual((await vault.decrypt("RSA-OAEP", oaep.result)).result, data);
    assert.deepEqual((await vault.decrypt("RSA-OAEP-256", oaep256.result)).result, data);
    assert.deepEqual((await vault.unwrapKey("RSA-OAEP", wrapped.result)).result, data);
    assert.deepEqual((await vault.decrypt("RSA-OAEP", first.value.result)).result, data);

    const signed = await counted(() => crypto.sign("RS256", new Uint8Array(32)));
    assert.deepEqual(Object.keys(signed.byRoute), ["POST /keys/{name}/{version}/sign"], "signing needs the service");
  });

  test("an EC key from its id: fetched once, then ES256 verifyData is local", async () => {
    const key = await client.createEcKey(uniqueName("once-ec"), { curve: "P-256" });
    const signature = (await client.getCryptographyClient(key.name).signData("ES256", data)).result;
    const crypto = new CryptographyClient(`${emulator.url}/keys/${key.name}`, credential, emulatorOptions);
    const first = await counted(() => crypto.verifyData("ES256", data, signature));
    assert.equal(first.value.result, true);
    assert.deepEqual(Object.keys(first.byRoute), ["GET /keys/{name}"]);
    const again = await counted(() => crypto.verifyData("ES256", data.subarray(1), signature));
    assert.equal(again.value.result, false);
    assert.equal(again.requests, 0, JSON.stringify(again.byRoute));
  });

  test("getCryptographyClient shares the client's connection and token: no new challenge, no new token", async () => {
    let tokens = 0;
    const counting = { getToken: async () => (tokens++, { token: "counted", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    // No options for the CryptographyClient: plain http to the emulator is allowed only by the KeyClient's.
    const keys = new KeyClient(emulator.url, counting, emulatorOptions);
    const key = await keys.createRsaKey(uniqueName("shared"));
    assert.equal(tokens, 1);

    const shared = keys.getCryptographyClient(key.name);
    assert.equal(shared.vaultUrl, emulator.url);
    const viaShared = await counted(() => shared.sign("RS256", new Uint8Array(32)));
    assert.equal(viaShared.byStatus["401"], undefined, "no challenge: the client's token is reused");
    assert.equal(tokens, 1);

    const separate = new CryptographyClient(key.id, counting, emulatorOptions);
    const viaSeparate = await counted(() => separate.sign("RS256", new Uint8Array(32)));
    assert.equal(viaSeparate.byStatus["401"], 1, "a client of its own starts with the challenge");
    assert.equal(tokens, 2);

    assert.equal(keys.getCryptographyClient(key.name, { keyVersion: key.properties.version }).keyID, key.id);
  });

  test("bad arguments are refused before any request, with TypeError or RangeError (the official client asks the service)", async () => {
    const before = (await stats()).requests;
    const name = uniqueName("bad");
    const theirs = new official.KeyClient(emulator.url, credential, { ...emulatorOptions });
    // Values the service refuses with 400: ours refuses them here, the official client sends them.
    const serviceRefuses = [
      (c) => c.createEcKey(name, { curve: "P-999" }),
      (c) => c.createRsaKey(name, { keySize: 1000 }),
      (c) => c.createKey(name, "DSA"),
      (c) => c.createKey(name, "RSA", { keyOps: ["teleport"] }),
      (c) => c.getRandomBytes(0),
      (c) => c.getRandomBytes(129),
    ];
    for (const call of serviceRefuses) await assert.rejects(call(client), RangeError, String(call));
    for (const [call, kind] of [
      [() => client.createKey(undefined, "RSA"), TypeError],
      [() => client.createKey("a b", "RSA"), RangeError],
      [() => client.createRsaKey(name, { expiresOn: "2030" }), TypeError],
      [() => client.importKey(name, "not a key"), TypeError],
      [() => client.updateKeyProperties(name, "../x", {}), RangeError],
      [() => client.updateKeyRotationPolicy(name, { lifetimeActions: "Rotate" }), TypeError],
      [() => client.restoreKeyBackup("not bytes"), TypeError],
      [() => client.getCryptographyClient(name).sign("RS256", "not bytes"), TypeError],
      [() => client.getCryptographyClient(name).encrypt({ algorithm: "RSA-OAEP" }), TypeError],
      [() => client.listPropertiesOfKeys().byPage({ maxPageSize: 26 }).next(), RangeError],
    ]) {
      await assert.rejects(call(), kind, String(call));
    }
    assert.throws(() => new KeyClient("http://v.vault.azure.net", credential), RangeError);
    assert.throws(() => new KeyClient("https://v.vault.azure.net", {}), TypeError);
    assert.equal((await stats()).requests, before, "nothing reached the emulator");
    for (const call of serviceRefuses) {
      const e = await call(theirs).catch((x) => x);
      assert.ok(officialIsRestError(e) && e.statusCode === 400, `the official client sends ${String(call)}: ${e}`);
    }
  });
});

describe("where ours differs from the official client on purpose", () => {
  let client;
  let theirs;
  before(async () => {
    const url = await emulatorUrl();
    client = new KeyClient(url, credential, emulatorOptions);
    theirs = new official.KeyClient(url, credential, { ...emulatorOptions });
  });

  test("PS256 verifyData with the key in hand is right (the official client checks PKCS#1 v1.5 padding and says false)", async () => {
    const key = await client.createRsaKey(uniqueName("pss"));
    const signature = (await client.getCryptographyClient(key.name).signData("PS256", data)).result;
    assert.equal((await new CryptographyClient(key, credential, emulatorOptions).verifyData("PS256", data, signature)).result, true);
    assert.equal((await new CryptographyClient(key.key).verifyData("PS256", data, signature)).result, true);
    assert.equal((await new CryptographyClient(key.key).verifyData("PS256", data.subarray(1), signature)).result, false);
    const officialKey = await theirs.getKey(key.name);
    const verdict = await new official.CryptographyClient(officialKey, credential, { ...emulatorOptions }).verifyData("PS256", data, signature);
    assert.equal(verdict.result, false, "if this fails, the official package was fixed");
  });

  test("a local JsonWebKey also encrypts with RSA-OAEP-256 and verifies ECDSA; RSA1_5 it refuses (the official client uses node:crypto)", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = rsa.publicKey.export({ format: "jwk" });
    const key = { kid: "local-rsa", kty: "RSA", n: Buffer.from(jwk.n, "base64url"), e: Buffer.from(jwk.e, "base64url") };
    const sealed = await new CryptographyClient(key).encrypt("RSA-OAEP-256", data);
    const opened = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, sealed.result);
    assert.deepEqual(new Uint8Array(opened), data);
    await assert.rejects(new official.CryptographyClient(key).encrypt("RSA-OAEP-256", data), /Unable to support operation: "encrypt" with algorithm: "RSA-OAEP-256"/);

    await assert.rejects(new CryptographyClient(key).encrypt("RSA1_5", data), /Unable to support operation: "encrypt" with algorithm: "RSA1_5" using a local JsonWebKey/);
    assert.equal((await new official.CryptographyClient(key).encrypt("RSA1_5", data)).result.length, 256);

    const ec = await client.createEcKey(uniqueName("local-ec"), { curve: "P-384" });
    const signature = (await client.getCryptographyClient(ec.name).signData("ES384", data)).result;
    assert.equal((await new CryptographyClient(ec.key).verifyData("ES384", data, signature)).result, true);
    await assert.rejects(new official.CryptographyClient(ec.key).verifyData("ES384", data, signature), /Unable to support operation: "verifyData"/);
  });

  test("a client from an unversioned id keeps to the version it fetched: what it encrypted still decrypts after a rotation", async () => {
    const name = uniqueName("pinned");
    await client.createRsaKey(name);
    const url = await emulatorUrl();
    const ours = new CryptographyClient(`${url}/keys/${name}`, credential, emulatorOptions);
    const sealed = await ours.encrypt("RSA-OAEP", data);
    const fetched = ours.keyID;
    const rotated = await client.rotateKey(name);
    assert.notEqual(rotated.id, fetched);
    const opened = await ours.decrypt("RSA-OAEP", sealed.result);
    assert.deepEqual(opened.result, data);
    assert.equal(opened.keyID, fetched);

    // The official client encrypts with the key it fetched but decrypts with the latest version.
    const officialName = uniqueName("pinned");
    await client.createRsaKey(officialName);
    const officialClient = new official.CryptographyClient(`${url}/keys/${officialName}`, credential, { ...emulatorOptions });
    const officialSealed = await officialClient.encrypt("RSA-OAEP", data);
    await client.rotateKey(officialName);
    const e = await officialClient.decrypt("RSA-OAEP", officialSealed.result).catch((x) => x);
    assert.ok(officialIsRestError(e) && e.statusCode === 400, "if this fails, the official package was fixed");
  });

  test("a CryptographyClient refuses an id that is not a key's (the official one accepts it and calls it a key)", () => {
    const id = "https://v.vault.azure.net/secrets/name/0123456789abcdef0123456789abcdef";
    assert.throws(() => new CryptographyClient(id, credential), { message: `${id} is not a valid Key Vault key ID` });
    assert.equal(new official.CryptographyClient(id, credential).vaultUrl, "https://v.vault.azure.net");
  });
});

describe("deletion and recovery, as the official pollers see them", () => {
  test("with a delete window, the poller waits until the key shows as deleted; purge works at once", async () => {
    const emulator = await startEmulator(["--delete-visibility-delay-ms", "800"]);
    try {
      for (const Client of [KeyClient, official.KeyClient]) {
        const keys = new Client(emulator.url, credential, { ...emulatorOptions });
        const name = uniqueName("window");
        await keys.createEcKey(name);
        const started = Date.now();
        const poller = await keys.beginDeleteKey(name, { intervalInMs: 50 });
        assert.equal(poller.isDone(), false, Client.name);
        const deleted = await poller.pollUntilDone();
        assert.ok(Date.now() - started >= 700, `${Client === KeyClient ? "ours" : "official"} waited ${Date.now() - started} ms`);
        assert.equal(deleted.name, name);
        assert.equal((await keys.getDeletedKey(name)).name, name);
        await keys.purgeDeletedKey(name);
      }
    } finally {
      await emulator.stop();
    }
  });

  test("recovering a key that is not deleted resolves with the key, as the official poller does", async () => {
    const url = await emulatorUrl();
    for (const Client of [KeyClient, official.KeyClient]) {
      const keys = new Client(url, credential, { ...emulatorOptions });
      const key = await keys.createEcKey(uniqueName("live"));
      const poller = await keys.beginRecoverDeletedKey(key.name, { intervalInMs: 50 });
      assert.equal(poller.isDone(), true);
      const result = await poller.pollUntilDone();
      assert.equal(result.id, key.id);
    }
    const keys = new KeyClient(url, credential, emulatorOptions);
    await assert.rejects(keys.beginRecoverDeletedKey(uniqueName("never")), (e) => e.statusCode === 404 && e.code === "KeyNotFound");
  });
});

test("a CryptographyClient from a KeyVaultKey without a credential works locally, as the official one does", async () => {
  const keys = new KeyClient(await emulatorUrl(), credential, emulatorOptions);
  const key = await keys.createRsaKey(uniqueName("nocredential"));
  const ours = new CryptographyClient(key);
  const theirs = new official.CryptographyClient(key);
  const plaintext = new TextEncoder().encode("no credential");
  for (const client of [ours, theirs]) {
    const { result } = await client.encrypt("RSA-OAEP", plaintext);
    const decrypted = await keys.getCryptographyClient(key.name, { keyVersion: key.properties.version }).decrypt("RSA-OAEP", result);
    assert.deepEqual(decrypted.result, plaintext);
  }
  // What only the vault can do says what is missing, before any request.
  const e = await ours.sign("RS256", new Uint8Array(32)).catch((x) => x);
  assert.ok(e instanceof TypeError, String(e));
  assert.equal(e.message, "sign with RS256 runs in the vault: construct the CryptographyClient with a credential");
});

test("getKeyAttestation returns the key (the emulator has no HSM: no attestation blobs)", async () => {
  const keys = new KeyClient(await emulatorUrl(), credential, emulatorOptions);
  const key = await keys.createEcKey(uniqueName("attested"), { curve: "P-384" });
  const latest = await keys.getKeyAttestation(key.name);
  const versioned = await keys.getKeyAttestation(key.name, { version: key.properties.version });
  for (const got of [latest, versioned]) {
    assert.equal(got.id, key.id);
    assert.deepEqual(got.key.x, key.key.x);
    assert.equal(got.properties.attestation, undefined);
  }
  const missing = await keys.getKeyAttestation(uniqueName("absent")).catch((x) => x);
  assert.equal(missing.statusCode, 404);
});
