// Over a hundred bad arguments across every public method and the constructor, for the root
// KeyClient and for the /secrets drop-in's SecretClient. Each is refused with TypeError or
// RangeError (a rejected Promise for methods, a throw for the constructor), no request reaches
// the emulator (its own counters say so), nothing is polluted, and the same client works
// afterwards.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KeyClient } from "keyvault-keys-wasm";
import { SecretClient } from "keyvault-keys-wasm/secrets";
import { emulatorOptions, startEmulator } from "./helpers.mjs";

let emulator, client, secrets;
const stats = async () => (await fetch(`${emulator.url}/_emulator/stats`)).json();

before(async () => {
  emulator = await startEmulator();
  client = new KeyClient(emulator.url, async () => "t", emulatorOptions);
  secrets = new SecretClient(emulator.url, async () => "t", emulatorOptions);
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
  ["g".repeat(32), RangeError], [V.slice(0, 31) + "/", RangeError], [{ version: V }, undefined],
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
  const add = (label, expected, call) => c.push({ label, expected, call });
  for (const [name, E] of badNames) {
    add(`setKey name ${String(name?.toString?.() ?? name).slice(0, 20)}`, E, () => api.set(name, "v"));
    add(`getKey name ${String(name?.toString?.() ?? name).slice(0, 20)}`, E, () => api.get(name));
  }
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
  for (const [value, E] of badValues) add(`setKey value ${typeof value}`, E, () => api.set("k", value));
  for (const [options, E] of badKeyOptions) {
    add(`setKey options ${show(options)}`, E, () => api.set("k", "v", options));
    add(`updateKeyProperties options ${show(options)}`, E, () => api.update("k", V, options));
  }
  for (const [version, E] of badVersions) {
    if (!E || (emptyIsLatest && version === "")) continue;
    add(`updateKeyProperties version ${String(version)}`, E, () => api.update("k", version, {}));
    add(`getKey version ${String(version)}`, E, () => api.get("k", { version }));
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
  assert.ok(refused >= 100, `${refused} cases`);
  const s = await stats();
  assert.equal(s.requests, 0, `requests reached the emulator: ${JSON.stringify(s.byRoute)}`);
  return refused;
}

test("at least a hundred bad arguments, each refused before any request", async () => {
  const refused = await refuseAll(cases(rootApi()), KeyClient);
  console.log(`# ${refused} bad-argument cases refused, 0 requests sent`);
});

test("the same through the /secrets drop-in's SecretClient", async () => {
  const refused = await refuseAll(cases(dropInApi(), { emptyIsLatest: true }), SecretClient);
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
