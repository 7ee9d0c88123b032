// The response shapes of both planes against the official packages' own mapping, on every
// successful answer recorded from the real service (emulator/tests/recordings): each must read
// to exactly what @azure/keyvault-keys (js/keys-model.mjs) or @azure/keyvault-secrets (the
// /secrets drop-in's shapes in js/secrets-model.mjs) returns for it. Then the key answers the
// service would not send: each a PARSE_ERROR.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { keysShapes } from "../../js/keys-model.mjs";
import { secretShapes } from "../../js/secrets-model.mjs";
import { page, read } from "../../js/model.mjs";
import { repoFile } from "./helpers.mjs";

const official = repoFile("node_modules/@azure/keyvault-keys/dist/esm");
const models = await import(`${official}/models/models.js`);
const transformations = await import(`${official}/transformations.js`);

const officialSecrets = repoFile("node_modules/@azure/keyvault-secrets/dist/esm");
const secretModels = await import(`${officialSecrets}/models/models.js`);
const secretTransformations = await import(`${officialSecrets}/transformations.js`);

// The real-service recordings the repository keeps (their sources: SOURCES.md beside them).
const recordingsDir = repoFile("emulator/tests/recordings");
/** A pipeline stand-in: `read` asks it for the error of an unreadable answer. */
const pipeline = { unreadable: (response, message) => Object.assign(new Error(message), { code: "PARSE_ERROR" }) };
const ours = (body, shape) => read(pipeline, { status: 200, bodyAsText: body }, shape);

/** The official output with its Buffers (Node's Uint8Array subclass) as plain Uint8Arrays, as in browsers. */
function plain(value) {
  if (Buffer.isBuffer(value)) return new Uint8Array(value);
  if (value instanceof Date || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** Every 2xx JSON answer of the recordings whose file names start with `prefix`, with what kind of body it is. */
function answers(prefix = "KeyVaultKeyClient.") {
  const out = [];
  for (const file of readdirSync(recordingsDir).filter((f) => f.startsWith(prefix) && f.endsWith(".json"))) {
    for (const record of JSON.parse(readFileSync(`${recordingsDir}/${file}`, "utf8")).networkCallRecords) {
      const status = Number(record.Response?.STATUS_CODE);
      const body = record.Response?.BODY;
      if (!(status >= 200 && status < 300) || !body?.startsWith("{")) continue;
      const json = JSON.parse(body);
      const kind = json.key ? (json.recoveryId ? "deleted" : "key") : json.lifetimeActions || json.attributes?.expiryTime ? "policy" : Array.isArray(json.value) ? (json.value.some((i) => i.recoveryId) || /deletedkeys/.test(record.Url) ? "deletedList" : "list") : "other";
      out.push({ label: `${file} ${record.Method} ${record.Url.split("?")[0].split("/").slice(3).join("/")}`, body, json, kind });
    }
  }
  return out;
}

test("every recorded key answer reads to what the official package returns", () => {
  const seen = {};
  for (const { label, body, json, kind } of answers()) {
    seen[kind] = (seen[kind] ?? 0) + 1;
    if (kind === "key" || kind === "deleted") {
      const theirs = transformations.getKeyFromKeyBundle((kind === "key" ? models.keyBundleDeserializer : models.deletedKeyBundleDeserializer)(json));
      assert.deepStrictEqual(ours(body, keysShapes.key), plain(theirs), label);
    } else if (kind === "list" || kind === "deletedList") {
      const item = kind === "list" ? keysShapes.properties : keysShapes.deletedItem;
      const map = kind === "list"
        ? (i) => transformations.getKeyPropertiesFromKeyItem(models.keyItemDeserializer(i))
        : (i) => transformations.getDeletedKeyFromDeletedKeyItem(models.deletedKeyItemDeserializer(i));
      const result = ours(body, page(item));
      assert.deepStrictEqual(result.items, plain(json.value.map(map)), label);
      assert.equal(result.continuationToken, json.nextLink || undefined, label);
    } else if (kind === "policy") {
      const theirs = transformations.keyRotationTransformations.generatedToPublic(models.keyRotationPolicyDeserializer(json));
      assert.deepStrictEqual(ours(body, keysShapes.rotationPolicy), plain(theirs), label);
    }
  }
  assert.ok(seen.key >= 10 && seen.list >= 1 && seen.policy >= 1 && (seen.deleted ?? 0) >= 1, JSON.stringify(seen));
});

test("every recorded secret answer reads, through the drop-in's shapes, to what the official package returns", () => {
  let compared = 0;
  for (const { label, body, json } of answers("KeyVaultSecretClientTest.")) {
    if (typeof json.id !== "string" || !json.id.includes("/secrets/")) continue;
    const deserialize = json.recoveryId ? secretModels.deletedSecretBundleDeserializer : secretModels.secretBundleDeserializer;
    const theirs = plain(secretTransformations.getSecretFromSecretBundle(deserialize(json)));
    if (json.recoveryId) assert.deepStrictEqual(ours(body, secretShapes.deleted), theirs, label);
    else if (json.value === undefined) assert.deepStrictEqual(ours(body, secretShapes.properties), theirs.properties, label);
    else assert.deepStrictEqual(ours(body, secretShapes.value), theirs, label);
    compared += 1;
  }
  assert.ok(compared >= 5, `${compared} secret answers compared`);
  console.log(`# ${compared} recorded secret answers read as the official package reads them`);
});

test("key material arrives as bytes: an RSA key's modulus and exponent", () => {
  const rsa = answers().find((a) => a.kind === "key" && a.json.key.kty.startsWith("RSA"));
  const key = ours(rsa.body, keysShapes.key);
  assert.ok(key.key.n instanceof Uint8Array && key.key.n.length >= 256, "a 2048-bit modulus or more");
  assert.deepEqual([...key.key.e], [1, 0, 1]);
  assert.equal(key.keyType, rsa.json.key.kty);
  assert.deepEqual(key.keyOperations, rsa.json.key.key_ops);
});

test("what the service would not send is a PARSE_ERROR, never a half-filled key", () => {
  const kid = "https://v.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef";
  const bad = [
    "{}",
    '{"key":null}',
    '{"key":{"kty":"RSA"}}',
    `{"key":{"kid":"https://v.vault.azure.net/secrets/k/v"}}`,
    `{"key":{"kid":"${kid}","n":"not base64!"}}`,
    `{"key":{"kid":"${kid}","n":5}}`,
    `{"key":{"kid":"${kid}","key_ops":"sign"}}`,
    `{"key":{"kid":"${kid}","key_ops":[1]}}`,
    `{"key":{"kid":"${kid}"},"attributes":{"exp":"soon"}}`,
    `{"key":{"kid":"${kid}"},"attributes":{"attestation":{"certificatePemFile":"%%"}}}`,
    `{"key":{"kid":"${kid}"},"release_policy":{"data":"***"}}`,
    `{"key":{"kid":"${kid}"},"tags":{"a":1}}`,
    "[1]",
    "not json",
  ];
  for (const body of bad) {
    assert.throws(() => ours(body, keysShapes.key), (e) => e.code === "PARSE_ERROR", body);
  }
  assert.throws(() => ours('{"lifetimeActions":[{"action":{"type":"Explode"}}]}', keysShapes.rotationPolicy), (e) => e.code === "PARSE_ERROR");
  assert.throws(() => ours('{"value":"***"}', keysShapes.randomBytes), (e) => e.code === "PARSE_ERROR");
  assert.throws(() => ours("{}", keysShapes.release), (e) => e.code === "PARSE_ERROR");
  assert.deepEqual([...ours('{"value":"AQID"}', keysShapes.randomBytes)], [1, 2, 3]);
});
