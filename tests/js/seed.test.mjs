// Every code example of the seed document (docs/seed.md), run as written against the emulator.
// The harness supplies what the examples leave undefined (client, keyName, keyValue, key,
// keyVersion). Two lines of the seed cannot run in any JavaScript engine; each is asserted to
// fail as written, then run with the one smallest change, so the errata stay visible.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { KeyClient, KeyVaultError } from "keyvault-keys-wasm";
import { codeBlocks, emulatorOptions, emulatorUrl, uniqueName } from "./helpers.mjs";

const AsyncFunction = (async () => {}).constructor;
const [setBlock, setWithOptionsBlock, updateBlock] = codeBlocks("docs/seed.md");
const params = ["client", "keyName", "keyValue", "key", "keyVersion"];

let client;
before(async () => {
  client = new KeyClient(await emulatorUrl(), async () => "any-token", emulatorOptions);
});

/**
 * The first two examples declare `const name` and then destructure `const { name, ... }` in the
 * same scope: a SyntaxError as written. Wrapping the destructuring and what follows in a block
 * (no line changed, only braces added) makes it run.
 */
function compileWithInnerScope(code) {
  assert.throws(() => new AsyncFunction(...params, code), /SyntaxError|already been declared/);
  const lines = code.split("\n");
  const at = lines.findIndex((l) => /^\s*const \{ name, value, properties \}/.test(l));
  assert.ok(at > 0, "the destructuring line is in the example");
  return new AsyncFunction(...params, [...lines.slice(0, at), "{", ...lines.slice(at), "}"].join("\n"));
}

test("the seed has exactly three code examples", () => {
  assert.equal(codeBlocks("docs/seed.md").length, 3);
});

test("Set a key", async () => {
  const keyName = uniqueName("myKey");
  await compileWithInnerScope(setBlock)(client, keyName, "myKeyValue");
  const stored = await client.getKey(keyName);
  assert.equal(stored.value, "myKeyValue");
  assert.match(stored.properties.version, /^[0-9a-f]{32}$/);
  assert.ok(stored.properties.createdOn instanceof Date);
  assert.equal(stored.properties.recoverableDays, 90);
});

test("Set a key with properties", async () => {
  const keyName = uniqueName("myKey");
  const keyValue = JSON.stringify({ mykey: "myvalue", myEndpoint: "https://myendpoint.com" });
  await compileWithInnerScope(setWithOptionsBlock)(client, keyName, keyValue);
  const stored = await client.getKey(keyName);
  assert.deepEqual(JSON.parse(stored.value), { mykey: "myvalue", myEndpoint: "https://myendpoint.com" });
  assert.equal(stored.properties.contentType, "application/json");
  assert.deepEqual(stored.properties.tags, { project: "test-cluster", owner: "jmclane", team: "devops" });
});

test("Update key value: a new version, and properties not passed again are lost", async () => {
  const keyName = uniqueName("myKey");
  const first = await client.setKey(keyName, "v1", { contentType: "text/plain", tags: { a: "1" } });
  const second = await client.setKey(keyName, "v2");
  assert.notEqual(second.properties.version, first.properties.version);
  assert.equal(second.properties.contentType, undefined);
  assert.deepEqual(second.properties.tags, {});
  assert.equal((await client.getKey(keyName, { version: first.properties.version })).value, "v1");
  assert.equal((await client.getKey(keyName)).value, "v2");
});

test("Update key properties", async () => {
  const keyName = uniqueName("myKey");
  const key = await client.setKey(keyName, "value", { tags: { existingTag: "original" } });
  const keyVersion = key.properties.version;

  // As written, `key.properties.version.tags` reads `.tags` of a version string: a TypeError
  // before any request. The example means `key.properties.tags`.
  const asWritten = new AsyncFunction(...params, updateBlock);
  await assert.rejects(asWritten(client, keyName, undefined, key, keyVersion), TypeError);
  assert.ok(updateBlock.includes("key.properties.version.tags[updatedTagName]"));
  const corrected = updateBlock.replace("key.properties.version.tags[updatedTagName]", "key.properties.tags[updatedTagName]");
  await new AsyncFunction(...params, corrected)(client, keyName, undefined, key, keyVersion);

  // Tags replaced as a set, the version disabled, the value untouched.
  const now = await client.updateKeyProperties(keyName, keyVersion, {});
  assert.deepEqual(now.tags, { newTag: "newTagValue", updatedTag: "original additional information" });
  assert.equal(now.enabled, false);
  const err = await client.getKey(keyName, { version: keyVersion }).catch((e) => e);
  assert.ok(err instanceof KeyVaultError);
  assert.equal(err.statusCode, 403);
  assert.equal(err.code, "Forbidden");
  await client.updateKeyProperties(keyName, keyVersion, { enabled: true });
  assert.equal((await client.getKey(keyName, { version: keyVersion })).value, "value");
});
