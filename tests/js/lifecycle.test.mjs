// Listing, delete/recover pollers, purge, backup/restore, abort and timeouts, rotation and
// near-expiry, against a dedicated emulator whose deleted keys stay invisible for a while after
// the DELETE, as the real service's do.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AbortError, KeyClient, KeyVaultError, PollerStoppedError } from "keyvault-keys-wasm";
import { emulatorOptions, startEmulator, uniqueName } from "./helpers.mjs";

const VISIBILITY_DELAY_MS = 1200;
let emulator, client;
/** Requests the client sent, as "METHOD /path" (through a counting fetch transport). */
const sent = [];
/** The bodies of the PUTs the client sent, parsed, in order. */
const putBodies = [];
const countingHttpClient = {
  async sendRequest(request) {
    sent.push(`${request.method} ${new URL(request.url).pathname}`);
    // (The first request of a client is the challenge probe, sent without its body.)
    if (request.method === "PUT" && request.body !== undefined) putBodies.push(JSON.parse(request.body));
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.abortSignal,
    });
    return { status: res.status, headers: res.headers, bodyAsText: await res.text() };
  },
};

before(async () => {
  emulator = await startEmulator(["--delete-visibility-delay-ms", String(VISIBILITY_DELAY_MS)]);
  client = new KeyClient(emulator.url, async () => "t", { ...emulatorOptions, httpClient: countingHttpClient });
});
after(() => emulator?.stop());

async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

describe("listing", () => {
  const prefix = uniqueName("page");
  const names = Array.from({ length: 30 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);

  before(async () => {
    for (const name of names) await client.setKey(name, "v", { tags: { n: name } });
  });

  test("for await over more than 25 keys follows nextLink", async () => {
    const listed = (await collect(client.listPropertiesOfKeys())).filter((p) => p.name.startsWith(prefix));
    assert.deepEqual(listed.map((p) => p.name), names);
    for (const p of listed) {
      assert.equal(p.version, undefined, "list items name no version");
      assert.equal(p.value, undefined, "and carry no value");
      assert.ok(p.createdOn instanceof Date);
      assert.equal(p.tags.n, p.name);
    }
  });

  test("byPage({ maxPageSize }) and resuming from a continuationToken", async () => {
    const pages = await collect(client.listPropertiesOfKeys().byPage({ maxPageSize: 10 }));
    assert.ok(pages.length >= 3);
    assert.ok(pages.slice(0, -1).every((p) => p.length <= 10 && typeof p.continuationToken === "string"));
    assert.equal(pages.at(-1).continuationToken, undefined);
    const resumed = await collect(client.listPropertiesOfKeys().byPage({ continuationToken: pages[0].continuationToken, maxPageSize: 10 }));
    assert.deepEqual(resumed.flat().map((p) => p.name), pages.slice(1).flat().map((p) => p.name));
  });

  test("pages are fetched lazily, one request each", async () => {
    sent.length = 0;
    const it = client.listPropertiesOfKeys().byPage({ maxPageSize: 5 });
    await it.next();
    await it.next();
    assert.deepEqual(sent, ["GET /secrets", "GET /secrets"]);
    await it.return();
    const items = client.listPropertiesOfKeys();
    sent.length = 0;
    await items.next();
    assert.equal(sent.length, 1, "one item needs one page");
  });

  test("versions of one key, more than 25", async () => {
    const name = uniqueName("versions");
    const made = [];
    for (let i = 0; i < 27; i++) made.push((await client.setKey(name, `v${i}`)).properties.version);
    const versions = await collect(client.listPropertiesOfKeyVersions(name));
    assert.deepEqual(versions.map((p) => p.version).sort(), [...made].sort());
    assert.ok(versions.every((p) => p.name === name && p.id.endsWith(`/${p.version}`)));
  });

  test("bad page settings and foreign continuation tokens are refused before any request", async () => {
    sent.length = 0;
    await assert.rejects(client.listPropertiesOfKeys().byPage({ maxPageSize: 26 }).next(), RangeError);
    await assert.rejects(client.listPropertiesOfKeys().byPage({ maxPageSize: "10" }).next(), TypeError);
    await assert.rejects(
      client.listPropertiesOfKeys().byPage({ continuationToken: "https://evil.example/secrets?api-version=7.5" }).next(),
      RangeError,
    );
    await assert.rejects(client.listPropertiesOfKeyVersions("../x").next(), RangeError);
    assert.deepEqual(sent, []);
  });
});

describe("delete, recover, purge", () => {
  test("the delete poller rides through the window in which the deleted key is not yet visible", async () => {
    const name = uniqueName("del");
    await client.setKey(name, "v");
    sent.length = 0;
    const poller = await client.beginDeleteKey(name, { intervalInMs: 200 });
    assert.equal(poller.isDone(), false);
    const states = [];
    poller.onProgress((s) => states.push(s.isCompleted));
    const deleted = await poller.pollUntilDone();
    assert.equal(poller.isDone(), true);
    assert.ok(sent.filter((s) => s === `GET /deletedsecrets/${name}`).length >= 2, "saw the 404 window, kept polling");
    assert.deepEqual(states.at(-1), true);
    assert.equal(deleted.name, name);
    assert.match(deleted.recoveryId, new RegExp(`/deletedsecrets/${name}$`));
    assert.ok(deleted.deletedOn instanceof Date && deleted.scheduledPurgeDate instanceof Date);
    assert.equal(deleted.scheduledPurgeDate - deleted.deletedOn, 90 * 86_400_000);
    assert.equal(deleted.properties.recoveryId, deleted.recoveryId);
    assert.deepEqual(poller.getResult(), deleted);

    const got = await client.getDeletedKey(name);
    assert.equal(got.recoveryId, deleted.recoveryId);
    const listed = (await collect(client.listDeletedKeys())).find((d) => d.name === name);
    assert.ok(listed && listed.deletedOn instanceof Date);
    const err = await client.getKey(name).catch((e) => e);
    assert.equal(err.statusCode, 404);
  });

  test("recover, then the key reads again", async () => {
    const name = uniqueName("rec");
    await client.setKey(name, "kept", { contentType: "text/plain" });
    await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
    const poller = await client.beginRecoverDeletedKey(name, { intervalInMs: 100 });
    const props = await poller.pollUntilDone();
    assert.equal(props.name, name);
    assert.equal(props.contentType, "text/plain");
    assert.equal((await client.getKey(name)).value, "kept");
  });

  test("resumeFrom continues a poller without starting over", async () => {
    const name = uniqueName("resume");
    await client.setKey(name, "v");
    const first = await client.beginDeleteKey(name, { intervalInMs: 100 });
    const saved = first.toString();
    sent.length = 0;
    const resumed = await client.beginDeleteKey(name, { intervalInMs: 100, resumeFrom: saved });
    assert.ok(!sent.includes(`DELETE /secrets/${name}`), "no second DELETE");
    assert.equal((await resumed.pollUntilDone()).name, name);
    await assert.rejects(client.beginDeleteKey("other", { resumeFrom: saved }), RangeError);
  });

  test("abort mid-poll rejects at once; stopPolling rejects with PollerStoppedError", async () => {
    const name = uniqueName("abort");
    await client.setKey(name, "v");
    const poller = await client.beginDeleteKey(name, { intervalInMs: 5_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(poller.pollUntilDone({ abortSignal: controller.signal }), AbortError);
    assert.ok(Date.now() - started < 2_000, "did not wait for the 5 s interval");
    assert.equal(poller.isDone(), false);

    const stopped = poller.pollUntilDone();
    poller.stopPolling();
    await assert.rejects(stopped, PollerStoppedError);
    assert.equal(poller.isStopped(), true);
  });

  test("backup, delete, purge, restore: every version comes back", async () => {
    const name = uniqueName("backup");
    const v1 = await client.setKey(name, "one", { tags: { a: "1" } });
    await client.setKey(name, "two", { contentType: "text/plain" });
    const backup = await client.backupKey(name);
    assert.ok(backup instanceof Uint8Array && backup.length > 0);

    await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
    await client.purgeDeletedKey(name);
    assert.equal((await client.getDeletedKey(name).catch((e) => e)).statusCode, 404);

    const restored = await client.restoreKeyBackup(backup);
    assert.equal(restored.name, name);
    assert.equal((await client.getKey(name)).value, "two");
    const old = await client.getKey(name, { version: v1.properties.version });
    assert.deepEqual([old.value, old.properties.tags], ["one", { a: "1" }]);
    assert.equal((await collect(client.listPropertiesOfKeyVersions(name))).length, 2);
    await assert.rejects(client.restoreKeyBackup("not bytes"), TypeError);
  });

  test("setting a deleted name is the service's 409", async () => {
    const name = uniqueName("conflict");
    await client.setKey(name, "v");
    await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
    const err = await client.setKey(name, "again").catch((e) => e);
    assert.ok(err instanceof KeyVaultError);
    assert.equal(err.statusCode, 409);
    assert.equal(err.code, "Conflict");
  });
});

describe("abort and timeouts", () => {
  test("an aborted signal rejects with AbortError and sends nothing", async () => {
    sent.length = 0;
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.setKey(uniqueName("x"), "v", { abortSignal: controller.signal }), AbortError);
    assert.deepEqual(sent, []);
    await assert.rejects(client.getKey("k", { abortSignal: "nope" }), TypeError);
  });

  test("timeoutInMs rejects promptly and aborts the request underneath", async () => {
    let seenSignal;
    const hanging = new KeyClient(emulator.url, async () => "t", {
      ...emulatorOptions,
      httpClient: {
        sendRequest(request) {
          seenSignal = request.abortSignal;
          return new Promise(() => {});
        },
      },
    });
    const started = Date.now();
    const err = await hanging.getKey("k", { timeoutInMs: 100 }).catch((e) => e);
    assert.ok(err instanceof AbortError, String(err));
    assert.match(err.message, /timed out after 100 ms/);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(seenSignal.aborted, true);
  });
});

describe("rotation without Event Grid", () => {
  test("rotateKey carries contentType, tags and enabled forward and sets a new expiry", async () => {
    const name = uniqueName("rotate");
    const first = await client.setKey(name, "secret-1", { contentType: "text/plain", tags: { owner: "ops" } });
    const before = Date.now();
    putBodies.length = 0;
    const rotated = await client.rotateKey(name, (current) => current.value.replace("1", "2"), { expiresIn: "P90D" });
    assert.equal(rotated.value, "secret-2");
    assert.notEqual(rotated.properties.version, first.properties.version);
    assert.equal(rotated.properties.contentType, "text/plain");
    assert.deepEqual(rotated.properties.tags, { owner: "ops" });
    // A version rotateKey can read is enabled (reading a disabled one is a 403, below), and a
    // new version is enabled by default: `enabled` carried forward shows only on the wire, as
    // the PUT's explicit attributes.enabled, which a PUT without it would not have.
    assert.equal(rotated.properties.enabled, true);
    assert.equal(putBodies.length, 1);
    assert.equal(putBodies[0].attributes?.enabled, true, JSON.stringify(putBodies[0]));
    assert.equal(putBodies[0].contentType, "text/plain");
    assert.deepEqual(putBodies[0].tags, { owner: "ops" });
    const expected = before + 90 * 86_400_000;
    assert.ok(Math.abs(rotated.properties.expiresOn - expected) < 5_000, String(rotated.properties.expiresOn));

    const again = await client.rotateKey(name, "secret-3");
    assert.equal(again.properties.expiresOn, undefined, "no expiresIn: no expiry");
    assert.deepEqual(again.properties.tags, { owner: "ops" });
  });

  test("rotateKey of a key whose latest version is disabled: the service's 403 from the read, and no new version", async () => {
    const name = uniqueName("rotate-disabled");
    const first = await client.setKey(name, "secret-1", { contentType: "text/plain", tags: { owner: "ops" } });
    await client.updateKeyProperties(name, first.properties.version, { enabled: false });
    sent.length = 0;
    const err = await client.rotateKey(name, "secret-2").catch((e) => e);
    assert.ok(err instanceof KeyVaultError, String(err));
    assert.deepEqual([err.statusCode, err.code], [403, "Forbidden"]);
    assert.deepEqual(sent, [`GET /secrets/${name}`], "only the read of the current version was sent");
    const versions = await collect(client.listPropertiesOfKeyVersions(name));
    assert.deepEqual(versions.map((p) => [p.version, p.enabled]), [[first.properties.version, false]]);
  });

  test("rotateKey refuses bad arguments before any request", async () => {
    sent.length = 0;
    await assert.rejects(client.rotateKey("k", "v", { expiresIn: "90 days" }), RangeError);
    await assert.rejects(client.rotateKey("k", 42), TypeError);
    assert.deepEqual(sent, []);
  });

  test("listPropertiesOfKeysNearExpiry: what expires within the window, or has expired", async () => {
    const prefix = uniqueName("expiry");
    const day = 86_400_000;
    await client.setKey(`${prefix}-soon`, "v", { expiresOn: new Date(Date.now() + 10 * day) });
    await client.setKey(`${prefix}-later`, "v", { expiresOn: new Date(Date.now() + 60 * day) });
    await client.setKey(`${prefix}-past`, "v", { expiresOn: new Date(Date.now() - day) });
    await client.setKey(`${prefix}-never`, "v");
    const names = async (options) =>
      (await collect(client.listPropertiesOfKeysNearExpiry(options))).map((p) => p.name).filter((n) => n.startsWith(prefix)).sort();
    assert.deepEqual(await names(), [`${prefix}-past`, `${prefix}-soon`]);
    assert.deepEqual(await names({ within: "P90D" }), [`${prefix}-later`, `${prefix}-past`, `${prefix}-soon`]);
    await assert.rejects(client.listPropertiesOfKeysNearExpiry({ within: "soon" }).next(), RangeError);
  });
});
