// Over a hundred bad arguments across every public method and the constructor, for the root
// KeyClient and for the /secrets drop-in's SecretClient, and a few hundred more for the /keys
// drop-in's KeyClient and CryptographyClient. Each is refused with TypeError or RangeError (a
// rejected Promise for methods, a throw for the constructor), no request reaches the emulator
// (its own counters say so), nothing is polluted, and the same client works afterwards.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KeyClient } from "keyvault-keys-wasm";
import { CryptographyClient, KeyClient as KeysClient } from "keyvault-keys-wasm/keys";
import { SecretClient } from "keyvault-keys-wasm/secrets";
import { emulatorOptions, startEmulator } from "./helpers.mjs";

let emulator, client, secrets, keys, rsaKey, ecKey;
const stats = async () => (await fetch(`${emulator.url}/_emulator/stats`)).json();

before(async () => {
  emulator = await startEmulator();
  client = new KeyClient(emulator.url, async () => "t", emulatorOptions);
  secrets = new SecretClient(emulator.url, async () => "t", emulatorOptions);
  keys = new KeysClient(emulator.url, async () => "t", emulatorOptions);
  // Real keys for the CryptographyClients built from a KeyVaultKey; made before any counting.
  rsaKey = await keys.createRsaKey("bad-input-rsa");
  ecKey = await keys.createEcKey("bad-input-ec", { curve: "P-256" });
});
after(() => emulator?.stop());

const V = "0123456789abcdef0123456789abcdef";
const badNames = [
  [undefined, TypeError], [null, TypeError], [42, TypeError], [{}, TypeError], [["a"], TypeError],
  [Symbol("s"), TypeError], [() => "a", TypeError], [new String("a"), TypeError], [10n, TypeError],
  ["", RangeError], ["a".repeat(128), RangeError], ["a".repeat(100_000), RangeError], ["../x", RangeError],
  ["%2e%2e", RangeError], ["a/b", RangeError], ["a b", RangeError], ["a_b", RangeError], ["ключ", RangeError],
  ["名前", RangeError], ["a\u0000b", RangeError], ["a?api-version=1", RangeError], ["a#b", RangeError],
  ["😀", RangeError], ["a\nb", RangeError], ["a.b", RangeError],
];
const badValues = [
  [undefined, TypeError], [null, TypeError], [1, TypeError], [{ toString: () => "x" }, TypeError],
  [["x"], TypeError], [new Uint8Array(2), TypeError], [true, TypeError], ["x".repeat(25 * 1024 + 1), RangeError],
  ["é".repeat(12_801), RangeError],
];
const badKeyOptions = [
  ["options", TypeError], [42, TypeError], [[], TypeError], [() => {}, TypeError],
  [{ contentType: 5 }, TypeError], [{ contentType: "x".repeat(256) }, RangeError],
  [{ enabled: "true" }, TypeError], [{ enabled: 1 }, TypeError],
  [{ expiresOn: "2030-01-01" }, TypeError], [{ expiresOn: 1893456000000 }, TypeError], [{ expiresOn: new Date(NaN) }, RangeError],
  [{ notBefore: {} }, TypeError], [{ notBefore: new Date("garbage") }, RangeError],
  [{ tags: "a=b" }, TypeError], [{ tags: [["a", "b"]] }, TypeError], [{ tags: new Map([["a", "b"]]) }, TypeError],
  [{ tags: { a: 1 } }, TypeError], [{ tags: { a: null } }, TypeError], [{ tags: { a: {} } }, TypeError],
  [{ tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) }, RangeError],
  [{ tags: { ["k".repeat(257)]: "v" } }, RangeError], [{ tags: { k: "v".repeat(257) } }, RangeError],
  [{ tags: { "": "v" } }, RangeError], [{ tags: new (class Tags { a = "b"; })() }, TypeError],
  [{ get contentType() { throw new Error("getter"); } }, TypeError],
  [{ abortSignal: "signal" }, TypeError], [{ abortSignal: {} }, TypeError], [{ timeoutInMs: "100" }, TypeError],
  [{ timeoutInMs: -1 }, RangeError], [{ timeoutInMs: 0 }, RangeError],
];
const badVersions = [
  [42, TypeError], ["", RangeError], ["abc", RangeError], [V + "0", RangeError], ["../../secrets/x/" + V.slice(0, 16), RangeError],
  ["g".repeat(32), RangeError], [V.slice(0, 31) + "/", RangeError], [{ version: V }, TypeError],
];

function show(v) {
  try {
    return String(JSON.stringify(v)).slice(0, 40);
  } catch {
    return "(unprintable)";
  }
}

/**
 * The cases against `api`, one client's methods under common names. `emptyIsLatest`: the
 * drop-in reads a version of "" as the latest, as the official package does.
 */
function cases(api, { emptyIsLatest = false } = {}) {
  const c = [];
  const add = (label, expected, call) => {
    assert.ok(typeof expected === "function", `${label}: no expected error class`);
    c.push({ label, expected, call });
  };
  /** Entries of the tables that are not bad input for this client, by label. */
  c.skipped = [];
  // Labels carry the table index: several entries print alike ("a" and new String("a"), long runs of "a").
  badNames.forEach(([name, E], i) => {
    add(`setKey name #${i} ${String(name?.toString?.() ?? name).slice(0, 20)}`, E, () => api.set(name, "v"));
    add(`getKey name #${i} ${String(name?.toString?.() ?? name).slice(0, 20)}`, E, () => api.get(name));
  });
  for (const name of [undefined, 42, "", "../x", "a/b"]) {
    const E = typeof name === "string" ? RangeError : TypeError;
    add(`updateKeyProperties name ${name}`, E, () => api.update(name, {}));
    add(`getDeletedKey ${name}`, E, () => api.getDeleted(name));
    add(`purgeDeletedKey ${name}`, E, () => api.purge(name));
    add(`backupKey ${name}`, E, () => api.backup(name));
    add(`beginDeleteKey ${name}`, E, () => api.beginDelete(name));
    add(`beginRecoverDeletedKey ${name}`, E, () => api.beginRecover(name));
    if (api.rotate) add(`rotateKey ${name}`, E, () => api.rotate(name, "v"));
    add(`listPropertiesOfKeyVersions ${name}`, E, () => api.listVersions(name).next());
  }
  badValues.forEach(([value, E], i) => add(`setKey value #${i} ${typeof value}`, E, () => api.set("k", value)));
  for (const [options, E] of badKeyOptions) {
    add(`setKey options ${show(options)}`, E, () => api.set("k", "v", options));
    add(`updateKeyProperties options ${show(options)}`, E, () => api.update("k", V, options));
  }
  for (const [version, E] of badVersions) {
    if (emptyIsLatest && version === "") {
      c.skipped.push(`updateKeyProperties version ""`, `getKey version ""`);
      continue;
    }
    add(`updateKeyProperties version ${show(version)}`, E, () => api.update("k", version, {}));
    add(`getKey version ${show(version)}`, E, () => api.get("k", { version }));
  }
  add("getKey options string", TypeError, () => api.get("k", "version"));
  add("updateKeyProperties (name, {}, {})", TypeError, () => api.update("k", {}, {}));
  for (const [settings, E] of [[{ maxPageSize: 0 }, RangeError], [{ maxPageSize: 26 }, RangeError], [{ maxPageSize: 1.5 }, RangeError],
    [{ maxPageSize: "5" }, TypeError], [{ continuationToken: 5 }, TypeError], [{ continuationToken: "https://evil.example/secrets" }, RangeError],
    [{ continuationToken: `${"http://127.0.0.1:1"}/secrets` }, RangeError], [null, TypeError]]) {
    add(`listPropertiesOfKeys byPage ${JSON.stringify(settings)}`, E, () => api.list().byPage(settings).next());
    add(`listDeletedKeys byPage ${JSON.stringify(settings)}`, E, () => api.listDeleted().byPage(settings).next());
  }
  for (const [backup, E] of [["AQID", TypeError], [[1, 2, 3], TypeError], [new ArrayBuffer(3), TypeError], [new Uint8Array(0), RangeError], [undefined, TypeError]]) {
    add(`restoreKeyBackup ${Object.prototype.toString.call(backup)}`, E, () => api.restore(backup));
  }
  if (api.rotate) {
    for (const [within, E] of [["30 days", RangeError], ["P", RangeError], ["-P1D", RangeError], [30, TypeError]]) {
      add(`listPropertiesOfKeysNearExpiry within ${within}`, E, () => client.listPropertiesOfKeysNearExpiry({ within }).next());
      add(`rotateKey expiresIn ${within}`, E, () => api.rotate("k", "v", { expiresIn: within }));
    }
    add("rotateKey newValue number", TypeError, () => api.rotate("k", 5));
  }
  add("beginDeleteKey intervalInMs", RangeError, () => api.beginDelete("k", { intervalInMs: -5 }));
  add("beginDeleteKey resumeFrom garbage", TypeError, () => api.beginDelete("k", { resumeFrom: "{" }));
  return c;
}

/**
 * How many cases `cases` must make from the tables above: every entry of every table, less
 * only the skipped ones (a version of "" is the latest for the drop-in), so that no entry can
 * be dropped silently. Keep in step with `cases`.
 */
function expectedCaseCount(api, c) {
  const rotate = api.rotate ? 1 : 0;
  return (
    2 * badNames.length +
    5 * (7 + rotate) +
    badValues.length +
    2 * badKeyOptions.length +
    2 * badVersions.length - c.skipped.length +
    2 +
    2 * 8 +
    5 +
    rotate * (2 * 4 + 1) +
    2
  );
}

/** The root KeyClient's methods under the names `cases` uses. */
const rootApi = () => ({
  set: (...a) => client.setKey(...a),
  get: (...a) => client.getKey(...a),
  update: (...a) => client.updateKeyProperties(...a),
  getDeleted: (...a) => client.getDeletedKey(...a),
  purge: (...a) => client.purgeDeletedKey(...a),
  backup: (...a) => client.backupKey(...a),
  beginDelete: (...a) => client.beginDeleteKey(...a),
  beginRecover: (...a) => client.beginRecoverDeletedKey(...a),
  listVersions: (...a) => client.listPropertiesOfKeyVersions(...a),
  list: (...a) => client.listPropertiesOfKeys(...a),
  listDeleted: (...a) => client.listDeletedKeys(...a),
  restore: (...a) => client.restoreKeyBackup(...a),
  rotate: (...a) => client.rotateKey(...a),
});

/** The drop-in SecretClient's. */
const dropInApi = () => ({
  set: (...a) => secrets.setSecret(...a),
  get: (...a) => secrets.getSecret(...a),
  // The official signature takes a version always; the overload without one maps to "".
  update: (name, versionOrOptions, options) =>
    options === undefined && typeof versionOrOptions === "object" && versionOrOptions !== null
      ? secrets.updateSecretProperties(name, "", versionOrOptions)
      : secrets.updateSecretProperties(name, versionOrOptions, options),
  getDeleted: (...a) => secrets.getDeletedSecret(...a),
  purge: (...a) => secrets.purgeDeletedSecret(...a),
  backup: (...a) => secrets.backupSecret(...a),
  beginDelete: (...a) => secrets.beginDeleteSecret(...a),
  beginRecover: (...a) => secrets.beginRecoverDeletedSecret(...a),
  listVersions: (...a) => secrets.listPropertiesOfSecretVersions(...a),
  list: (...a) => secrets.listPropertiesOfSecrets(...a),
  listDeleted: (...a) => secrets.listDeletedSecrets(...a),
  restore: (...a) => secrets.restoreSecretBackup(...a),
});

const constructorCases = [
  [[undefined, () => "t"], TypeError], [[42, () => "t"], TypeError], [["", () => "t"], RangeError],
  [["myvault.vault.azure.net", () => "t"], RangeError], [["ftp://v.vault.azure.net", () => "t"], RangeError],
  [["http://v.vault.azure.net", () => "t"], RangeError], [["https://v.vault.azure.net/path", () => "t"], RangeError],
  [["https://user@v.vault.azure.net", () => "t"], RangeError], [["https://v.vault.azure.net:70000", () => "t"], RangeError],
  [["https://v.vault.azure.net", undefined], TypeError], [["https://v.vault.azure.net", "token"], TypeError],
  [["https://v.vault.azure.net", {}], TypeError], [["https://v.vault.azure.net", { getToken: "x" }], TypeError],
  [["https://v.vault.azure.net", () => "t", "options"], TypeError], [["https://v.vault.azure.net", () => "t", { serviceVersion: 7.5 }], TypeError],
  [["https://v.vault.azure.net", () => "t", { serviceVersion: "7.5/../x" }], RangeError],
  [["https://v.vault.azure.net", () => "t", { allowInsecureConnection: "yes" }], TypeError],
  [["https://v.vault.azure.net", () => "t", { httpClient: {} }], TypeError],
  [["https://v.vault.azure.net", () => "t", { retryOptions: { maxRetries: -1 } }], RangeError],
  [["https://v.vault.azure.net", () => "t", { retryOptions: { maxRetries: 1.5 } }], RangeError],
  [["https://v.vault.azure.net", () => "t", { retryOptions: { retryDelayInMs: "1" } }], TypeError],
  [["https://v.vault.azure.net", () => "t", { retryOptions: { tryTimeoutInMs: 0 } }], RangeError],
  [["https://v.vault.azure.net", () => "t", { retryOptions: 5 }], TypeError],
  [["https://v.vault.azure.net", () => "t", { userAgentOptions: "ua" }], TypeError],
  [["https://v.vault.azure.net", () => "t", { userAgentOptions: { userAgentPrefix: 5 } }], TypeError],
  [["https://v.vault.azure.net", () => "t", { userAgentOptions: { userAgentPrefix: "naïve" } }], RangeError],
];

/** Runs every case and constructor case; asserts each is refused and nothing was sent. */
async function refuseAll(all, Client) {
  await fetch(`${emulator.url}/_emulator/stats`, { method: "DELETE" });
  const labels = all.map((x) => x.label);
  assert.deepEqual(labels.filter((l, i) => labels.indexOf(l) !== i), [], "every case has its own label");
  let refused = 0;
  for (const { label, expected, call } of all) {
    let promise;
    assert.doesNotThrow(() => {
      promise = call();
    }, `${label}: threw synchronously`);
    const err = await Promise.resolve(promise).then(
      () => assert.fail(`${label}: resolved`),
      (e) => e,
    );
    assert.ok(err instanceof expected, `${label}: ${err?.name}: ${err?.message}`);
    assert.ok(typeof err.message === "string" && err.message.length > 0, label);
    refused += 1;
  }
  for (const [args, expected] of constructorCases) {
    assert.throws(() => new Client(...args), expected, JSON.stringify(args.slice(0, 1)));
    refused += 1;
  }
  assert.equal(refused, all.length + constructorCases.length, "every case ran");
  assert.ok(refused >= 100, `${refused} cases`);
  const s = await stats();
  assert.equal(s.requests, 0, `requests reached the emulator: ${JSON.stringify(s.byRoute)}`);
  return refused;
}

test("at least a hundred bad arguments, each refused before any request", async () => {
  const api = rootApi();
  const all = cases(api);
  assert.deepEqual(all.skipped, [], "the root client skips no entry");
  assert.equal(all.length, expectedCaseCount(api, all), "every table entry makes its cases");
  const refused = await refuseAll(all, KeyClient);
  assert.equal(refused, expectedCaseCount(api, all) + constructorCases.length);
  console.log(`# ${refused} bad-argument cases refused, 0 requests sent`);
});

test("the same through the /secrets drop-in's SecretClient", async () => {
  const api = dropInApi();
  const all = cases(api, { emptyIsLatest: true });
  // Only the empty version, which the drop-in reads as the latest, as the official client does.
  assert.deepEqual(all.skipped, [`updateKeyProperties version ""`, `getKey version ""`]);
  assert.equal(all.length, expectedCaseCount(api, all), "every other table entry makes its cases");
  const refused = await refuseAll(all, SecretClient);
  assert.equal(refused, expectedCaseCount(api, all) + constructorCases.length);
  console.log(`# ${refused} bad-argument cases refused by the drop-in, 0 requests sent`);
});

test("__proto__ in tags pollutes nothing and stays an ordinary tag", async () => {
  const tags = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}');
  const err = await client.setKey("proto", "v", { tags }).catch((e) => e);
  assert.ok(err instanceof TypeError, "a non-string tag value is refused");
  assert.equal({}.polluted, undefined);
  const ok = JSON.parse('{"__proto__": "p", "constructor": "c"}');
  const key = await client.setKey("proto", "v", { tags: ok });
  assert.equal(Object.getPrototypeOf(key.properties.tags), Object.prototype);
  assert.deepEqual(Object.entries(key.properties.tags).sort(), [["__proto__", "p"], ["constructor", "c"]]);
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.__proto__, null);
});

test("the clients still work after every refusal", async () => {
  const key = await client.setKey("after-bad-input", "still fine");
  assert.equal((await client.getKey("after-bad-input")).value, "still fine");
  assert.equal(key.properties.enabled, true);
  assert.equal((await secrets.getSecret("after-bad-input")).value, "still fine");
});

// --- The /keys drop-in: KeyClient and CryptographyClient ---------------------------------------

const u3 = new Uint8Array([1, 2, 3]);
const digest32 = new Uint8Array(32).fill(7);
const KTYS = "RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM";
const CURVES = "P-256, P-384, P-521, P-256K";
const OPS = "keyOps entries must be one of encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export";
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * The message refusing an algorithm: it names the operation and the value, and lists the
 * accepted algorithms, which include `known` (the list is the service's, and grows with it).
 */
const badAlgorithm = (op, value, known) =>
  new RegExp(`^algorithm for ${op} must be one of (?=[^:]*\\b${escape(known.join(", "))}\\b)[\\w-]+(?:, [\\w-]+)*: "${escape(value)}"$`);
const ENC_ALGS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "A128GCM", "A192GCM", "A256GCM"];
const SIG_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K"];
const WRAP_ALGS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "A128KW", "A192KW", "A256KW"];
const RELEASE_ALGS = "CKM_RSA_AES_KEY_WRAP, RSA_AES_KEY_WRAP_256, RSA_AES_KEY_WRAP_384";
const nameRule = (n) => `name must be 1-127 characters of 0-9, a-z, A-Z and '-': "${n.length > 80 ? `${n.slice(0, 80)}...` : n}"`;
const versionRule = (v) => `version must be 32 hexadecimal characters: "${v}"`;
const notIso = (what, v) => `${what} is not an ISO-8601 duration such as P30D or PT12H: "${v}"`;
const typeOf = (v) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);
const label = (v) => (typeof v === "symbol" ? String(v) : typeof v === "bigint" ? `${v}n` : typeof v === "function" ? "a function" : show(v));

/** Bad names: the value, its error class and message (for an argument called `what`). */
const keyNames = [undefined, null, 42, {}, ["a"], Symbol("s"), 10n, "", "a".repeat(128), "../x", "a/b", "a b", "a_b", "ключ", "a.b", "a?x=1", "a#b"];
const nameError = (n, what = "name") =>
  typeof n === "string" ? [RangeError, nameRule(n)] : [TypeError, `${what} must be a string, not ${typeOf(n)}`];

/** The /keys KeyClient's bad calls: `{ label, expected, message, call, sync }`. */
function keyClientCases() {
  const c = [];
  const add = (l, expected, message, call, sync = false) => c.push({ label: l, expected, message, call, sync });
  for (const n of keyNames) {
    const [E, m] = nameError(n);
    add(`createKey name ${label(n)}`, E, m, () => keys.createKey(n, "RSA"));
    add(`createRsaKey name ${label(n)}`, E, m, () => keys.createRsaKey(n));
    add(`getKey name ${label(n)}`, E, m, () => keys.getKey(n));
  }
  for (const n of [undefined, 42, "", "a/b", "../x"]) {
    const [E, m] = nameError(n);
    const [KE, km] = nameError(n, "keyName");
    const l = label(n);
    add(`createEcKey name ${l}`, E, m, () => keys.createEcKey(n));
    add(`createOctKey name ${l}`, E, m, () => keys.createOctKey(n));
    add(`importKey name ${l}`, E, m, () => keys.importKey(n, { kty: "RSA", n: u3, e: u3 }));
    add(`updateKeyProperties name ${l}`, E, m, () => keys.updateKeyProperties(n, {}));
    add(`getKeyAttestation name ${l}`, E, m, () => keys.getKeyAttestation(n));
    add(`getDeletedKey name ${l}`, E, m, () => keys.getDeletedKey(n));
    add(`purgeDeletedKey name ${l}`, E, m, () => keys.purgeDeletedKey(n));
    add(`backupKey name ${l}`, E, m, () => keys.backupKey(n));
    add(`beginDeleteKey name ${l}`, E, m, () => keys.beginDeleteKey(n));
    add(`beginRecoverDeletedKey name ${l}`, E, m, () => keys.beginRecoverDeletedKey(n));
    add(`rotateKey name ${l}`, E, m, () => keys.rotateKey(n));
    add(`releaseKey name ${l}`, E, m, () => keys.releaseKey(n, "token"));
    add(`getKeyRotationPolicy name ${l}`, KE, km, () => keys.getKeyRotationPolicy(n));
    add(`updateKeyRotationPolicy name ${l}`, KE, km, () => keys.updateKeyRotationPolicy(n, {}));
    add(`listPropertiesOfKeyVersions name ${l}`, E, m, () => keys.listPropertiesOfKeyVersions(n).next());
  }
  for (const t of [undefined, null, 5, "rsa", "RSA-hsm", "", "AES", "oct-hsm"]) {
    const [E, m] = typeof t === "string" ? [RangeError, `keyType must be one of ${KTYS}: "${t}"`] : [TypeError, `keyType must be a string, not ${typeOf(t)}`];
    add(`createKey keyType ${label(t)}`, E, m, () => keys.createKey("k", t));
  }
  const throwing = {
    get keyOps() {
      throw new Error("getter");
    },
  };
  for (const [o, E, m] of [
    [{ keySize: 1024 }, RangeError, "keySize of an RSA key must be 2048, 3072 or 4096, not 1024"],
    [{ keySize: 4097 }, RangeError, "keySize of an RSA key must be 2048, 3072 or 4096, not 4097"],
    [{ keySize: 0 }, RangeError, "keySize of an RSA key must be 2048, 3072 or 4096, not 0"],
    [{ keySize: -1 }, RangeError, "options.keySize must be an integer from 0 to 4294967295, not -1"],
    [{ keySize: 1.5 }, RangeError, "options.keySize must be an integer from 0 to 4294967295, not 1.5"],
    [{ keySize: NaN }, RangeError, "options.keySize must be an integer from 0 to 4294967295, not NaN"],
    [{ keySize: Infinity }, RangeError, "options.keySize must be an integer from 0 to 4294967295, not Infinity"],
    [{ keySize: 2 ** 40 }, RangeError, "options.keySize must be an integer from 0 to 4294967295, not 1099511627776"],
    [{ keySize: "2048" }, TypeError, "options.keySize must be a number, not string"],
    [{ keySize: 2048n }, TypeError, "options.keySize must be a number, not bigint"],
    [{ publicExponent: 65536 }, RangeError, "publicExponent must be odd and at least 3, not 65536"],
    [{ publicExponent: 2 }, RangeError, "publicExponent must be odd and at least 3, not 2"],
    [{ publicExponent: 1 }, RangeError, "publicExponent must be odd and at least 3, not 1"],
    [{ publicExponent: 0 }, RangeError, "publicExponent must be odd and at least 3, not 0"],
    [{ publicExponent: -3 }, RangeError, "options.publicExponent must be an integer from 0 to 4294967295, not -3"],
    [{ publicExponent: 65537.5 }, RangeError, "options.publicExponent must be an integer from 0 to 4294967295, not 65537.5"],
    [{ publicExponent: "65537" }, TypeError, "options.publicExponent must be a number, not string"],
    [{ curve: "P-256" }, RangeError, "curve applies to EC keys only"],
    [{ curve: 5 }, TypeError, "options.curve must be a string, not number"],
    [{ keyOps: ["sign", 3] }, TypeError, "options.keyOps[1] must be a string, not number"],
    [{ keyOps: ["fly"] }, RangeError, `${OPS}: "fly"`],
    [{ keyOps: ["Sign"] }, RangeError, `${OPS}: "Sign"`],
    [{ keyOps: "sign" }, TypeError, "options.keyOps must be an array of strings, not string"],
    [throwing, TypeError, "options.keyOps could not be read"],
    [{ notBefore: new Date(NaN) }, RangeError, "options.notBefore is an invalid Date"],
    [{ notBefore: "2020-01-01" }, TypeError, "options.notBefore must be a Date, not string"],
    [{ expiresOn: "2030-01-01" }, TypeError, "options.expiresOn must be a Date, not string"],
    [{ expiresOn: 1893456000000 }, TypeError, "options.expiresOn must be a Date, not number"],
    [{ expiresOn: new Date("garbage") }, RangeError, "options.expiresOn is an invalid Date"],
    [{ tags: { a: 1 } }, TypeError, 'options.tags["a"] must be a string, not number'],
    [{ tags: "a=b" }, TypeError, "options.tags must be a plain object of strings, not string"],
    [{ tags: new Map([["a", "b"]]) }, TypeError, "options.tags must be a plain object of strings, not object"],
    [{ tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"])) }, RangeError, "tags has 16 entries; at most 15 are allowed"],
    [{ releasePolicy: {} }, TypeError, "options.releasePolicy.encodedPolicy is required"],
    [{ releasePolicy: { encodedPolicy: "eyJ9" } }, TypeError, "options.releasePolicy.encodedPolicy must be a Uint8Array, not string"],
    [{ releasePolicy: { encodedPolicy: [1, 2] } }, TypeError, "options.releasePolicy.encodedPolicy must be a Uint8Array, not an array"],
    [{ releasePolicy: { encodedPolicy: new Uint8Array(0) } }, RangeError, "releasePolicy.encodedPolicy is empty"],
    [{ releasePolicy: "policy" }, TypeError, "options.releasePolicy must be an object, not string"],
    [{ releasePolicy: { encodedPolicy: u3, immutable: "yes" } }, TypeError, "options.releasePolicy.immutable must be a boolean, not string"],
    [{ releasePolicy: { encodedPolicy: u3, contentType: 5 } }, TypeError, "options.releasePolicy.contentType must be a string, not number"],
    [{ exportable: "true" }, TypeError, "options.exportable must be a boolean, not string"],
    [{ exportable: 1 }, TypeError, "options.exportable must be a boolean, not number"],
    [{ hsm: "yes" }, TypeError, "options.hsm must be a boolean, not string"],
    [{ enabled: "no" }, TypeError, "options.enabled must be a boolean, not string"],
    ["options", TypeError, "options must be an object, not string"],
    [[], TypeError, "options must be an object, not an array"],
    [{ timeoutInMs: -1 }, RangeError, "options.timeoutInMs must be a positive number of milliseconds"],
    [{ abortSignal: "signal" }, TypeError, "options.abortSignal must be an AbortSignal"],
  ]) {
    add(`createRsaKey options ${show(o)}`, E, m, () => keys.createRsaKey("k", o));
  }
  for (const [o, E, m] of [
    [{ keySize: 256 }, RangeError, "keySize does not apply to EC keys: their curve sets it"],
    [{ publicExponent: 65537 }, RangeError, "publicExponent applies to RSA keys only"],
    [{ curve: "P-999" }, RangeError, `curve must be one of ${CURVES}: "P-999"`],
    [{ curve: "p-256" }, RangeError, `curve must be one of ${CURVES}: "p-256"`],
    [{ keyOps: ["fly"] }, RangeError, `${OPS}: "fly"`],
    [{ hsm: 1 }, TypeError, "options.hsm must be a boolean, not number"],
  ]) {
    add(`createEcKey options ${show(o)}`, E, m, () => keys.createEcKey("k", o));
  }
  for (const [o, E, m] of [
    [{ keySize: 1024 }, RangeError, "keySize of an oct key must be 128, 192 or 256, not 1024"],
    [{ keySize: 2048 }, RangeError, "keySize of an oct key must be 128, 192 or 256, not 2048"],
    [{ curve: "P-256" }, RangeError, "curve applies to EC keys only"],
    [{ publicExponent: 3 }, RangeError, "publicExponent applies to RSA keys only"],
  ]) {
    add(`createOctKey options ${show(o)}`, E, m, () => keys.createOctKey("k", o));
  }
  add("createKey EC keySize 1024", RangeError, "keySize does not apply to EC keys: their curve sets it", () => keys.createKey("k", "EC", { keySize: 1024 }));
  add("createKey RSA curve P-256", RangeError, "curve applies to EC keys only", () => keys.createKey("k", "RSA", { curve: "P-256" }));
  for (const [l, jwk, E, m] of [
    ["undefined", undefined, TypeError, "key must be a JsonWebKey"],
    ["null", null, TypeError, "key must be a JsonWebKey"],
    ["a string", "jwk", TypeError, "key must be an object, not string"],
    ["an array", [1, 2], TypeError, "key must be an object, not an array"],
    ["without kty", {}, RangeError, "jwk.kty is required"],
    ["without kty, only n and e", { n: u3, e: u3 }, RangeError, "jwk.kty is required"],
    ["kty AES", { kty: "AES", k: u3 }, RangeError, `jwk.kty must be one of ${KTYS}: "AES"`],
    ["kty rsa", { kty: "rsa", n: u3, e: u3 }, RangeError, `jwk.kty must be one of ${KTYS}: "rsa"`],
    ["kty empty", { kty: "" }, RangeError, `jwk.kty must be one of ${KTYS}: ""`],
    ["kty 5", { kty: 5 }, TypeError, "key.kty must be a string, not number"],
    ["n a string", { kty: "RSA", n: "AQAB", e: u3 }, TypeError, "key.n must be a Uint8Array, not string"],
    ["e an array", { kty: "RSA", n: u3, e: [1, 0, 1] }, TypeError, "key.e must be a Uint8Array, not an array"],
    ["d an ArrayBuffer", { kty: "RSA", n: u3, e: u3, d: new ArrayBuffer(3) }, TypeError, "key.d must be a Uint8Array, not object"],
    ["t a string", { kty: "RSA-HSM", t: "abc" }, TypeError, "key.t must be a Uint8Array, not string"],
    ["n empty", { kty: "RSA", n: new Uint8Array(0), e: u3 }, RangeError, "jwk.n is empty"],
    ["crv P-999", { kty: "EC", crv: "P-999", x: u3, y: u3 }, RangeError, `jwk.crv must be one of ${CURVES}: "P-999"`],
    ["crv 256", { kty: "EC", crv: 256, x: u3, y: u3 }, TypeError, "key.crv must be a string, not number"],
    ["x empty", { kty: "EC", crv: "P-256", x: new Uint8Array(0), y: u3 }, RangeError, "jwk.x is empty"],
    ["keyOps fly", { kty: "RSA", n: u3, e: u3, keyOps: ["fly"] }, RangeError, `${OPS}: "fly"`],
    ["keyOps a string", { kty: "RSA", n: u3, e: u3, keyOps: "sign" }, TypeError, "key.keyOps must be an array of strings, not string"],
    ["keyOps [1]", { kty: "RSA", n: u3, e: u3, keyOps: [1] }, TypeError, "key.keyOps[0] must be a string, not number"],
  ]) {
    add(`importKey key ${l}`, E, m, () => keys.importKey("k", jwk));
  }
  for (const [o, E, m] of [
    [{ hardwareProtected: "yes" }, TypeError, "options.hardwareProtected must be a boolean, not string"],
    [{ exportable: "no" }, TypeError, "options.exportable must be a boolean, not string"],
    [{ notBefore: "2020" }, TypeError, "options.notBefore must be a Date, not string"],
    [{ tags: { a: 1 } }, TypeError, 'options.tags["a"] must be a string, not number'],
    [{ releasePolicy: {} }, TypeError, "options.releasePolicy.encodedPolicy is required"],
  ]) {
    add(`importKey options ${show(o)}`, E, m, () => keys.importKey("k", { kty: "RSA", n: u3, e: u3 }, o));
  }
  for (const v of ["abc", V + "0", "g".repeat(32), V.slice(0, 31) + "/", "../../secrets/x/" + V.slice(0, 16), " " + V.slice(1)]) {
    add(`getKey version ${v}`, RangeError, versionRule(v), () => keys.getKey("k", { version: v }));
    add(`updateKeyProperties version ${v}`, RangeError, versionRule(v), () => keys.updateKeyProperties("k", v, {}));
    add(`getKeyAttestation version ${v}`, RangeError, versionRule(v), () => keys.getKeyAttestation("k", { version: v }));
    add(`releaseKey version ${v}`, RangeError, versionRule(v), () => keys.releaseKey("k", "token", { version: v }));
  }
  add("getKey version 42", TypeError, "options.version must be a string, not number", () => keys.getKey("k", { version: 42 }));
  add("getKeyAttestation version 42", TypeError, "options.version must be a string, not number", () => keys.getKeyAttestation("k", { version: 42 }));
  add("releaseKey version 42", TypeError, "options.version must be a string, not number", () => keys.releaseKey("k", "token", { version: 42 }));
  add("getKey options a string", TypeError, "options must be an object, not string", () => keys.getKey("k", "version"));
  for (const [o, E, m] of [
    [{ keyOps: ["fly"] }, RangeError, `${OPS}: "fly"`],
    [{ keyOps: ["sign", 3] }, TypeError, "options.keyOps[1] must be a string, not number"],
    [{ enabled: "x" }, TypeError, "options.enabled must be a boolean, not string"],
    [{ expiresOn: new Date(NaN) }, RangeError, "options.expiresOn is an invalid Date"],
    [{ notBefore: "2020-01-01" }, TypeError, "options.notBefore must be a Date, not string"],
    [{ tags: { a: 1 } }, TypeError, 'options.tags["a"] must be a string, not number'],
    [{ releasePolicy: {} }, TypeError, "options.releasePolicy.encodedPolicy is required"],
    [{ releasePolicy: { encodedPolicy: "x" } }, TypeError, "options.releasePolicy.encodedPolicy must be a Uint8Array, not string"],
  ]) {
    add(`updateKeyProperties options ${show(o)}`, E, m, () => keys.updateKeyProperties("k", V, o));
    add(`updateKeyProperties (latest) options ${show(o)}`, E, m, () => keys.updateKeyProperties("k", o));
  }
  for (const [n, E, m] of [
    [0, RangeError, "count must be an integer from 1 to 128, not 0"],
    [129, RangeError, "count must be an integer from 1 to 128, not 129"],
    [1.5, RangeError, "count must be an integer from 1 to 128, not 1.5"],
    [-1, RangeError, "count must be an integer from 1 to 128, not -1"],
    [NaN, RangeError, "count must be an integer from 1 to 128, not NaN"],
    [Infinity, RangeError, "count must be an integer from 1 to 128, not Infinity"],
    [2 ** 32 + 1, RangeError, "count must be an integer from 1 to 128, not 4294967297"],
    [128.0000001, RangeError, "count must be an integer from 1 to 128, not 128.0000001"],
    ["8", TypeError, "count must be a number, not string"],
    [8n, TypeError, "count must be a number, not bigint"],
    [undefined, TypeError, "count must be a number, not undefined"],
  ]) {
    add(`getRandomBytes ${label(n)}`, E, m, () => keys.getRandomBytes(n));
  }
  add("getRandomBytes options a string", TypeError, "options must be an object, not string", () => keys.getRandomBytes(8, "options"));
  const act = (a) => ({ lifetimeActions: [a] });
  for (const [p, E, m] of [
    [null, TypeError, "policy must be a KeyRotationPolicyProperties object"],
    [undefined, TypeError, "policy must be a KeyRotationPolicyProperties object"],
    ["P30D", TypeError, "policy must be an object, not string"],
    [{ expiresIn: "30 days" }, RangeError, notIso("expiresIn", "30 days")],
    [{ expiresIn: "P" }, RangeError, notIso("expiresIn", "P")],
    [{ expiresIn: "-P1D" }, RangeError, notIso("expiresIn", "-P1D")],
    [{ expiresIn: 30 }, TypeError, "policy.expiresIn must be a string, not number"],
    [{ lifetimeActions: "rotate" }, TypeError, "policy.lifetimeActions must be an array, not string"],
    [{ lifetimeActions: new Set() }, TypeError, "policy.lifetimeActions must be an array, not object"],
    [act(5), TypeError, "policy.lifetimeActions[0] must be an object, not number"],
    [act(null), TypeError, "policy.lifetimeActions[0] must be an object"],
    [act({ action: "Explode", timeAfterCreate: "P30D" }), RangeError, 'lifetimeActions[0].action must be Rotate or Notify: "Explode"'],
    [act({ action: "Notify", timeAfterCreate: "P30D" }), RangeError, "lifetimeActions[0]: a Notify action is triggered by timeBeforeExpiry only"],
    [act({ action: "Rotate", timeAfterCreate: "P30D", timeBeforeExpiry: "P7D" }), RangeError, "lifetimeActions[0] needs exactly one of timeAfterCreate and timeBeforeExpiry"],
    [act({ action: "Rotate" }), RangeError, "lifetimeActions[0] needs exactly one of timeAfterCreate and timeBeforeExpiry"],
    [act({ action: "Rotate", timeAfterCreate: "" }), RangeError, "lifetimeActions[0] needs exactly one of timeAfterCreate and timeBeforeExpiry"],
    [act({ action: "Rotate", timeAfterCreate: "30d" }), RangeError, notIso("lifetimeActions[0].timeAfterCreate", "30d")],
    [act({ action: "rotate", timeAfterCreate: "P1" }), RangeError, notIso("lifetimeActions[0].timeAfterCreate", "P1")],
    [act({ action: "Notify", timeBeforeExpiry: "PT" }), RangeError, notIso("lifetimeActions[0].timeBeforeExpiry", "PT")],
    [act({ action: 5, timeAfterCreate: "P30D" }), TypeError, "policy.lifetimeActions[0].action must be a string, not number"],
    [act({ timeAfterCreate: "P30D" }), TypeError, "policy.lifetimeActions[0].action must be a string, not undefined"],
    [act({ action: "Rotate", timeAfterCreate: 30 }), TypeError, "policy.lifetimeActions[0].timeAfterCreate must be a string, not number"],
  ]) {
    add(`updateKeyRotationPolicy ${show(p)}`, E, m, () => keys.updateKeyRotationPolicy("k", p));
  }
  for (const [t, o, E, m] of [
    ["", undefined, RangeError, "targetAttestationToken is empty"],
    [5, undefined, TypeError, "targetAttestationToken must be a string, not number"],
    [undefined, undefined, TypeError, "targetAttestationToken must be a string, not undefined"],
    ["token", { algorithm: "AES" }, RangeError, `algorithm must be one of ${RELEASE_ALGS}: "AES"`],
    ["token", { algorithm: "rsa_aes_key_wrap_256" }, RangeError, `algorithm must be one of ${RELEASE_ALGS}: "rsa_aes_key_wrap_256"`],
    ["token", { algorithm: "" }, RangeError, `algorithm must be one of ${RELEASE_ALGS}: ""`],
    ["token", { algorithm: 5 }, TypeError, "options.algorithm must be a string, not number"],
    ["token", { nonce: 5 }, TypeError, "options.nonce must be a string, not number"],
    ["token", "options", TypeError, "options must be an object, not string"],
  ]) {
    add(`releaseKey ${show(t)} ${show(o)}`, E, m, () => keys.releaseKey("k", t, o));
  }
  for (const [b, E, m] of [
    ["AQID", TypeError, "backup must be a Uint8Array, not string"],
    [[1, 2, 3], TypeError, "backup must be a Uint8Array, not an array"],
    [new ArrayBuffer(3), TypeError, "backup must be a Uint8Array, not object"],
    [new Int8Array(3), TypeError, "backup must be a Uint8Array, not object"],
    [new Uint8Array(0), RangeError, "backup is empty"],
    [Buffer.alloc(0), RangeError, "backup is empty"],
    [undefined, TypeError, "backup must be a Uint8Array, not undefined"],
    [null, TypeError, "backup must be a Uint8Array, not null"],
  ]) {
    add(`restoreKeyBackup ${Object.prototype.toString.call(b)} ${b?.length ?? ""}`, E, m, () => keys.restoreKeyBackup(b));
  }
  for (const [settings, E, m] of [
    [{ maxPageSize: 0 }, RangeError, "maxPageSize must be an integer from 1 to 25, not 0"],
    [{ maxPageSize: 26 }, RangeError, "maxPageSize must be an integer from 1 to 25, not 26"],
    [{ maxPageSize: 1.5 }, RangeError, "maxPageSize must be an integer from 1 to 25, not 1.5"],
    [{ maxPageSize: "5" }, TypeError, "maxPageSize must be a number, not string"],
    [{ continuationToken: 5 }, TypeError, "continuationToken must be a string, not number"],
    [{ continuationToken: "https://evil.example/keys" }, RangeError, `continuationToken is not a page link of ${emulator.url}`],
    [null, TypeError, "byPage settings must be an object"],
  ]) {
    add(`listPropertiesOfKeys byPage ${show(settings)}`, E, m, () => keys.listPropertiesOfKeys().byPage(settings).next());
    add(`listDeletedKeys byPage ${show(settings)}`, E, m, () => keys.listDeletedKeys().byPage(settings).next());
    add(`listPropertiesOfKeyVersions byPage ${show(settings)}`, E, m, () => keys.listPropertiesOfKeyVersions("k").byPage(settings).next());
  }
  add("listPropertiesOfKeys options a string", TypeError, "options must be an object, not string", () => keys.listPropertiesOfKeys("options").next());
  add("listPropertiesOfKeys abortSignal 5", TypeError, "options.abortSignal must be an AbortSignal", () => keys.listPropertiesOfKeys({ abortSignal: 5 }).next());
  add("beginDeleteKey intervalInMs -5", RangeError, "intervalInMs must be a number of milliseconds", () => keys.beginDeleteKey("k", { intervalInMs: -5 }));
  add("beginDeleteKey resumeFrom garbage", TypeError, "resumeFrom must be a string from poller.toString()", () => keys.beginDeleteKey("k", { resumeFrom: "{" }));
  add("beginRecoverDeletedKey intervalInMs x", RangeError, "intervalInMs must be a number of milliseconds", () => keys.beginRecoverDeletedKey("k", { intervalInMs: "x" }));
  // getCryptographyClient returns a client at once: a bad argument is a synchronous throw.
  for (const n of [undefined, null, 42, {}, Symbol("s")]) {
    add(`getCryptographyClient keyName ${label(n)}`, TypeError, `keyName must be a string, not ${typeOf(n)}`, () => keys.getCryptographyClient(n), true);
  }
  add("getCryptographyClient options a string", TypeError, "options must be an object, not string", () => keys.getCryptographyClient("k", "v1"), true);
  add("getCryptographyClient keyVersion 5", TypeError, "options.keyVersion must be a string, not number", () => keys.getCryptographyClient("k", { keyVersion: 5 }), true);
  // A string name or version is checked by the first operation, before any request.
  for (const n of ["a_b", "a.b", "a".repeat(128)]) {
    add(`getCryptographyClient keyName ${label(n)}, then sign`, RangeError, nameRule(n), () => keys.getCryptographyClient(n).sign("RS256", digest32));
  }
  for (const v of ["abc", "g".repeat(32), V + "0"]) {
    add(`getCryptographyClient keyVersion ${v}, then sign`, RangeError, versionRule(v), () => keys.getCryptographyClient("k", { keyVersion: v }).sign("RS256", digest32));
  }
  return c;
}

/** The bad calls every CryptographyClient refuses, whatever key it was built from. */
function cryptographyCases(name, crypto) {
  const c = [];
  const add = (l, expected, message, call) => c.push({ label: `${name}: ${l}`, expected, message, call: () => call(crypto) });
  const encAlg = (a) => badAlgorithm("encrypt", a, ENC_ALGS);
  const sigAlg = (op, a) => badAlgorithm(op, a, SIG_ALGS);
  add("encrypt ROT13", RangeError, encAlg("ROT13"), (k) => k.encrypt({ algorithm: "ROT13", plaintext: u3 }));
  add("encrypt(ROT13, plaintext)", RangeError, encAlg("ROT13"), (k) => k.encrypt("ROT13", u3));
  add("encrypt rsa-oaep", RangeError, encAlg("rsa-oaep"), (k) => k.encrypt("rsa-oaep", u3));
  add("encrypt HS256", RangeError, encAlg("HS256"), (k) => k.encrypt("HS256", u3));
  add("encrypt without algorithm", TypeError, "algorithm must be a string, not undefined", (k) => k.encrypt({ plaintext: u3 }));
  add("encrypt algorithm 5", TypeError, "algorithm must be a string, not number", (k) => k.encrypt({ algorithm: 5, plaintext: u3 }));
  add("encrypt empty plaintext", RangeError, "plaintext is empty", (k) => k.encrypt({ algorithm: "RSA-OAEP", plaintext: new Uint8Array(0) }));
  add("encrypt plaintext a string", TypeError, "plaintext must be a Uint8Array, not string", (k) => k.encrypt({ algorithm: "RSA-OAEP", plaintext: "abc" }));
  add("encrypt iv on RSA-OAEP", RangeError, "iv does not apply to encrypt with RSA-OAEP", (k) => k.encrypt({ algorithm: "RSA-OAEP", plaintext: u3, iv: new Uint8Array(16) }));
  add("encrypt aad on RSA-OAEP", RangeError, "additionalAuthenticatedData does not apply to encrypt with RSA-OAEP", (k) =>
    k.encrypt({ algorithm: "RSA-OAEP", plaintext: u3, additionalAuthenticatedData: new Uint8Array(4) }),
  );
  add("encrypt aad on A256CBC", RangeError, "additionalAuthenticatedData does not apply to encrypt with A256CBC", (k) =>
    k.encrypt({ algorithm: "A256CBC", plaintext: u3, additionalAuthenticatedData: new Uint8Array(2) }),
  );
  add("encrypt iv a string", TypeError, "iv must be a Uint8Array, not string", (k) => k.encrypt({ algorithm: "A256CBC", plaintext: u3, iv: "abc" }));
  add("encrypt empty iv", RangeError, "iv is empty", (k) => k.encrypt({ algorithm: "A256CBC", plaintext: u3, iv: new Uint8Array(0) }));
  add("encrypt(null)", TypeError, "parameters must be an object with algorithm and plaintext", (k) => k.encrypt(null));
  add("encrypt([1])", TypeError, "parameters must be an object, not an array", (k) => k.encrypt([1]));
  add("encrypt options a string", TypeError, "options must be an object, not string", (k) => k.encrypt({ algorithm: "RSA-OAEP", plaintext: u3 }, "options"));
  add("encrypt abortSignal a string", TypeError, "options.abortSignal must be an AbortSignal", (k) => k.encrypt({ algorithm: "RSA-OAEP", plaintext: u3 }, { abortSignal: "x" }));
  add("decrypt A256GCM without authenticationTag", RangeError, "authenticationTag is required to decrypt with A256GCM", (k) =>
    k.decrypt({ algorithm: "A256GCM", ciphertext: u3, iv: new Uint8Array(12) }),
  );
  add("decrypt A256GCM without iv", RangeError, "iv is required to decrypt with A256GCM", (k) =>
    k.decrypt({ algorithm: "A256GCM", ciphertext: u3, authenticationTag: new Uint8Array(16) }),
  );
  add("decrypt(A256GCM, ciphertext)", RangeError, "iv is required to decrypt with A256GCM", (k) => k.decrypt("A256GCM", u3));
  add("decrypt A256GCM empty authenticationTag", RangeError, "authenticationTag is empty", (k) =>
    k.decrypt({ algorithm: "A256GCM", ciphertext: u3, iv: new Uint8Array(12), authenticationTag: new Uint8Array(0) }),
  );
  add("decrypt A256GCM aad a string", TypeError, "additionalAuthenticatedData must be a Uint8Array, not string", (k) =>
    k.decrypt({ algorithm: "A256GCM", ciphertext: u3, iv: new Uint8Array(12), authenticationTag: u3, additionalAuthenticatedData: "x" }),
  );
  add("decrypt A256CBC without iv", RangeError, "iv is required to decrypt with A256CBC", (k) => k.decrypt({ algorithm: "A256CBC", ciphertext: u3 }));
  add("decrypt A128CBCPAD without iv", RangeError, "iv is required to decrypt with A128CBCPAD", (k) => k.decrypt({ algorithm: "A128CBCPAD", ciphertext: u3 }));
  add("decrypt authenticationTag on RSA-OAEP", RangeError, "authenticationTag does not apply to decrypt with RSA-OAEP", (k) =>
    k.decrypt({ algorithm: "RSA-OAEP", ciphertext: u3, authenticationTag: new Uint8Array(16) }),
  );
  add("decrypt authenticationTag on A256CBC", RangeError, "authenticationTag does not apply to decrypt with A256CBC", (k) =>
    k.decrypt({ algorithm: "A256CBC", ciphertext: u3, iv: new Uint8Array(16), authenticationTag: new Uint8Array(16) }),
  );
  add("decrypt empty ciphertext", RangeError, "ciphertext is empty", (k) => k.decrypt("RSA-OAEP", new Uint8Array(0)));
  add("decrypt ciphertext an array", TypeError, "ciphertext must be a Uint8Array, not an array", (k) => k.decrypt("RSA-OAEP", [1, 2]));
  add("decrypt A256KW", RangeError, badAlgorithm("decrypt", "A256KW", ENC_ALGS), (k) => k.decrypt("A256KW", u3));
  add("sign ES257", RangeError, sigAlg("sign", "ES257"), (k) => k.sign("ES257", digest32));
  add("sign HS-256", RangeError, sigAlg("sign", "HS-256"), (k) => k.sign("HS-256", digest32));
  add("sign rs256", RangeError, sigAlg("sign", "rs256"), (k) => k.sign("rs256", digest32));
  add("sign RSA-OAEP", RangeError, sigAlg("sign", "RSA-OAEP"), (k) => k.sign("RSA-OAEP", digest32));
  add("sign without algorithm", TypeError, "algorithm must be a string, not undefined", (k) => k.sign(undefined, digest32));
  add("sign digest a string", TypeError, "digest must be a Uint8Array, not string", (k) => k.sign("RS256", "digest"));
  add("sign digest an array", TypeError, "digest must be a Uint8Array, not an array", (k) => k.sign("RS256", [...digest32]));
  add("sign digest a DataView", TypeError, "digest must be a Uint8Array, not object", (k) => k.sign("RS256", new DataView(digest32.buffer)));
  add("sign digest a Uint16Array", TypeError, "digest must be a Uint8Array, not object", (k) => k.sign("RS256", new Uint16Array(16)));
  add("sign empty digest", RangeError, "digest is empty", (k) => k.sign("RS256", new Uint8Array(0)));
  add("sign options a string", TypeError, "options must be an object, not string", (k) => k.sign("RS256", digest32, "options"));
  add("sign timeoutInMs -1", RangeError, "options.timeoutInMs must be a positive number of milliseconds", (k) => k.sign("RS256", digest32, { timeoutInMs: -1 }));
  add("verify empty signature", RangeError, "signature is empty", (k) => k.verify("RS256", digest32, new Uint8Array(0)));
  add("verify signature a string", TypeError, "signature must be a Uint8Array, not string", (k) => k.verify("RS256", digest32, "signature"));
  add("verify empty digest", RangeError, "digest is empty", (k) => k.verify("RS256", new Uint8Array(0), u3));
  add("verify without digest", TypeError, "digest must be a Uint8Array, not undefined", (k) => k.verify("RS256", undefined, u3));
  add("verify PS128", RangeError, sigAlg("verify", "PS128"), (k) => k.verify("PS128", digest32, u3));
  add("verify RSA-OAEP", RangeError, sigAlg("verify", "RSA-OAEP"), (k) => k.verify("RSA-OAEP", digest32, u3));
  // signData and verifyData hash the data here: only the algorithms with a digest apply.
  add("signData HS256", RangeError, sigAlg("signData", "HS256"), (k) => k.signData("HS256", u3));
  add("signData RSNULL", RangeError, sigAlg("signData", "RSNULL"), (k) => k.signData("RSNULL", u3));
  add("signData ROT13", RangeError, sigAlg("signData", "ROT13"), (k) => k.signData("ROT13", u3));
  add("signData data a string", TypeError, "data must be a Uint8Array, not string", (k) => k.signData("RS256", "data"));
  add("signData without data", TypeError, "data must be a Uint8Array, not undefined", (k) => k.signData("RS256"));
  add("verifyData HS256", RangeError, sigAlg("verifyData", "HS256"), (k) => k.verifyData("HS256", u3, u3));
  add("verifyData RSNULL", RangeError, sigAlg("verifyData", "RSNULL"), (k) => k.verifyData("RSNULL", u3, u3));
  add("verifyData empty signature", RangeError, "signature is empty", (k) => k.verifyData("RS256", u3, new Uint8Array(0)));
  add("verifyData ES256 empty signature", RangeError, "signature is empty", (k) => k.verifyData("ES256", u3, new Uint8Array(0)));
  add("verifyData signature a string", TypeError, "signature must be a Uint8Array, not string", (k) => k.verifyData("RS256", u3, "x"));
  add("wrapKey A999KW", RangeError, badAlgorithm("wrapKey", "A999KW", WRAP_ALGS), (k) => k.wrapKey("A999KW", u3));
  add("wrapKey A256GCM", RangeError, badAlgorithm("wrapKey", "A256GCM", WRAP_ALGS), (k) => k.wrapKey("A256GCM", u3));
  add("wrapKey without algorithm", TypeError, "algorithm must be a string, not undefined", (k) => k.wrapKey(undefined, u3));
  add("wrapKey empty key", RangeError, "key is empty", (k) => k.wrapKey("RSA-OAEP", new Uint8Array(0)));
  add("wrapKey key a string", TypeError, "key must be a Uint8Array, not string", (k) => k.wrapKey("RSA-OAEP", "k"));
  add("unwrapKey RS256", RangeError, badAlgorithm("unwrapKey", "RS256", WRAP_ALGS), (k) => k.unwrapKey("RS256", u3));
  add("unwrapKey empty encryptedKey", RangeError, "encryptedKey is empty", (k) => k.unwrapKey("RSA-OAEP", new Uint8Array(0)));
  return c;
}

/** The CryptographyClients under test: from a key id (with and without a version), from KeyVaultKeys, from the KeyClient. */
function cryptographyClients() {
  const credential = async () => "t";
  return {
    "from an id": new CryptographyClient(`${emulator.url}/keys/${rsaKey.name}`, credential, emulatorOptions),
    "from a versioned id": new CryptographyClient(rsaKey.id, credential, emulatorOptions),
    "from an RSA KeyVaultKey": new CryptographyClient(rsaKey, credential, emulatorOptions),
    "from an EC KeyVaultKey": new CryptographyClient(ecKey, credential, emulatorOptions),
    "from getCryptographyClient": keys.getCryptographyClient(rsaKey.name),
  };
}

/** The constructor's bad arguments; it throws at once. */
function cryptographyConstructorCases() {
  const c = [];
  const credential = async () => "t";
  const add = (l, expected, message, args) => c.push({ label: `new CryptographyClient(${l})`, expected, message, sync: true, call: () => new CryptographyClient(...args) });
  const notKeyId = (id) => [Error, `${id} is not a valid Key Vault key ID`];
  for (const id of [
    "https://x.vault.azure.net/secrets/a",
    "https://x.vault.azure.net/secrets/a b",
    "https://x.vault.azure.net/deletedkeys/a",
    "https://x.vault.azure.net/KEYS/a",
    "https://x.vault.azure.net",
    "https://x.vault.azure.net/keys",
    "https://x.vault.azure.net/keys/",
    "https://x.vault.azure.net/keys/a/b/c",
    "not a url",
  ]) {
    add(id, ...notKeyId(id), [id, credential]);
  }
  const secretsKey = { name: "a", id: `https://x.vault.azure.net/secrets/a/${V}` };
  add("a KeyVaultKey with a secret's id", ...notKeyId(secretsKey.id), [secretsKey, credential]);
  add("a KeyVaultKey with id 5", ...notKeyId(5), [{ name: "a", id: 5 }, credential]);
  for (const key of [null, undefined, 42, () => "id"]) {
    add(label(key), TypeError, `key must be a key identifier, a KeyVaultKey or a JsonWebKey, not ${typeOf(key)}`, [key, credential]);
  }
  const cred = "credential must be a TokenCredential ({ getToken(scopes, options) }) or a function returning a token";
  add("an id, no credential", TypeError, cred, ["https://x.vault.azure.net/keys/a"]);
  add("an id, credential a string", TypeError, cred, ["https://x.vault.azure.net/keys/a", "token"]);
  add("an id, options a string", TypeError, "options must be an object, not string", ["https://x.vault.azure.net/keys/a", credential, "options"]);
  add("an http id", RangeError, "vaultUrl uses http://, which is refused unless allowInsecureConnection is true: http://x.vault.azure.net", [
    "http://x.vault.azure.net/keys/a",
    credential,
  ]);
  // An id whose name or version breaks the rules is refused by its first operation.
  for (const [id, E, m] of [
    [`${"https://x.vault.azure.net"}/keys/a_b`, RangeError, nameRule("a_b")],
    [`${"https://x.vault.azure.net"}/keys/a/zzz`, RangeError, versionRule("zzz")],
  ]) {
    c.push({ label: `new CryptographyClient(${id}), then sign`, expected: E, message: m, call: () => new CryptographyClient(id, credential).sign("RS256", digest32) });
  }
  return c;
}

/**
 * Runs each case against the emulator's counters, zeroed before it: the call is refused with
 * exactly `expected` (thrown at once when `sync`, else a rejected Promise), with `message` when
 * one is given, and the counters still say no request arrived.
 */
async function refuseEach(all) {
  for (const { label: l, expected, message, call, sync } of all) {
    await fetch(`${emulator.url}/_emulator/stats`, { method: "DELETE" });
    let err;
    if (sync) {
      try {
        call();
      } catch (e) {
        err = e;
      }
      assert.ok(err !== undefined, `${l}: did not throw`);
    } else {
      let promise;
      assert.doesNotThrow(() => {
        promise = call();
      }, `${l}: threw synchronously`);
      err = await Promise.resolve(promise).then(
        (v) => assert.fail(`${l}: resolved with ${show(v)}`),
        (e) => e,
      );
    }
    assert.equal(err?.constructor, expected, `${l}: ${err?.name}: ${err?.message}`);
    if (message instanceof RegExp) assert.match(err.message, message, l);
    else if (message !== undefined) assert.equal(err.message, message, l);
    assert.ok(typeof err.message === "string" && err.message.length > 0, l);
    const s = await stats();
    assert.equal(s.requests, 0, `${l}: requests reached the emulator: ${JSON.stringify(s.byRoute)}`);
  }
  return all.length;
}

test("the /keys KeyClient refuses every bad argument before any request", async () => {
  const refused = await refuseEach(keyClientCases());
  assert.ok(refused >= 300, `${refused} cases`);
  console.log(`# ${refused} bad-argument cases refused by the /keys KeyClient, 0 requests sent`);
});

test("every CryptographyClient refuses every bad argument before any request", async () => {
  const all = Object.entries(cryptographyClients()).flatMap(([name, crypto]) => cryptographyCases(name, crypto));
  const refused = await refuseEach([...all, ...cryptographyConstructorCases()]);
  assert.ok(refused >= 300, `${refused} cases`);
  console.log(`# ${refused} bad-argument cases refused by CryptographyClient, 0 requests sent`);
});

test("getCryptographyClient's name and version are checked as given, before any request", async () => {
  // The client keeps the name and version it was given (not an id built from them), so the
  // core's messages quote the caller's text.
  const name = (n) => `name must be 1-127 characters of 0-9, a-z, A-Z and '-': ${JSON.stringify(n)}`;
  const version = (v) => `version must be 32 hexadecimal characters: ${JSON.stringify(v)}`;
  const sign = (n, o) => () => keys.getCryptographyClient(n, o).sign("RS256", digest32);
  const cases = [
    ["getCryptographyClient('').sign", RangeError, name(""), sign("")],
    ["getCryptographyClient('../x').sign", RangeError, name("../x"), sign("../x")],
    ["getCryptographyClient('a/b').sign", RangeError, name("a/b"), sign("a/b")],
    ["getCryptographyClient('a b').sign", RangeError, name("a b"), sign("a b")],
    ["getCryptographyClient('ключ').sign", RangeError, name("ключ"), sign("ключ")],
    ["getCryptographyClient('k', { keyVersion: '../../secrets/x' }).sign", RangeError, version("../../secrets/x"), sign("k", { keyVersion: "../../secrets/x" })],
    ["getCryptographyClient('k', { keyVersion: ' ' + V.slice(1) }).sign", RangeError, version(" " + V.slice(1)), sign("k", { keyVersion: " " + V.slice(1) })],
  ].map(([label, expected, message, call]) => ({ label, expected, message, call }));
  assert.equal(await refuseEach(cases), 7);
});

test("ids that are not a key's are refused as the official client refuses them, and the second argument of updateKeyProperties is read as the options", async () => {
  const cases = [
    ["new CryptographyClient('', credential)", Error, " is not a valid Key Vault key ID", () => new CryptographyClient("", async () => "t"), true],
    ["new CryptographyClient({ name: 'a' }, credential)", Error, "undefined is not a valid Key Vault key ID", () => new CryptographyClient({ name: "a" }, async () => "t"), true],
    ["updateKeyProperties('k', 42, {})", TypeError, "options must be an object, not number", () => keys.updateKeyProperties("k", 42, {})],
  ].map(([label, expected, message, call, sync]) => ({ label, expected, message, call, sync }));
  assert.equal(await refuseEach(cases), 3);
});

test("encrypt refuses an authenticationTag, which only decrypt takes", async () => {
  const crypto = new CryptographyClient(rsaKey, async () => "t", emulatorOptions);
  await refuseEach([
    {
      label: "encrypt A256GCM with authenticationTag",
      expected: RangeError,
      message: "authenticationTag does not apply to encrypt with A256GCM",
      call: () => crypto.encrypt({ algorithm: "A256GCM", plaintext: u3, authenticationTag: new Uint8Array(16) }),
    },
    {
      label: "encrypt RSA-OAEP with authenticationTag",
      expected: RangeError,
      message: "authenticationTag does not apply to encrypt with RSA-OAEP",
      call: () => crypto.encrypt({ algorithm: "RSA-OAEP", plaintext: u3, authenticationTag: new Uint8Array(16) }),
    },
  ]);
});

test("the /keys clients still work after every refusal", async () => {
  const key = await keys.getKey(rsaKey.name);
  assert.equal(key.id, rsaKey.id);
  const crypto = keys.getCryptographyClient(rsaKey.name);
  const signed = await crypto.sign("RS256", digest32);
  assert.equal(signed.result.length, 256);
  assert.equal((await crypto.verify("RS256", digest32, signed.result)).result, true);
  assert.equal((await keys.getRandomBytes(16)).length, 16);
});
