// The emulator's policy clock and its Key Vault Event Grid events, end to end: the official
// @azure/keyvault-keys and -secrets clients make keys, secrets and rotation policies; the
// management API moves the clock; a webhook receiver on loopback records what the emulator
// POSTs. Covers: a Rotate policy rotating when the clock passes timeAfterCreate (with the
// policy's expiryTime on the new version), *NewVersionCreated for every new version,
// *NearExpiry 30 days before exp (a key's Notify action moves that), *Expired, and a webhook
// that fails being retried until it accepts.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { emulatorOptions, startEmulator } from "./helpers.mjs";

const DAY = 86_400;
const credential = { getToken: async () => ({ token: "events-token", expiresOnTimestamp: Date.now() + 3600e3 }) };

/** A webhook receiver that answers `statuses` in turn (then 200) and keeps every delivery. */
async function receiver(statuses = []) {
  const deliveries = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, events: JSON.parse(body) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/events`, deliveries, close: () => server.close() };
}

let emulator;
let hook;
let flaky;
let keys;
let secrets;

const manage = async (path, init) => (await fetch(`${emulator.url}/_emulator/${path}`, init)).json();
const advance = (seconds) =>
  manage("clock", { method: "POST", body: JSON.stringify({ advanceSeconds: seconds }) });

/** Waits until `hook` has received an event matching `match`; returns it. */
async function received(receiverOf, match, what) {
  for (let i = 0; i < 200; i++) {
    const found = receiverOf.deliveries.flatMap((d) => d.events).find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`no ${what} event arrived`);
}

const ofType = (type, name) => (e) => e.eventType === `Microsoft.KeyVault.${type}` && e.data.ObjectName === name;

before(async () => {
  hook = await receiver();
  flaky = await receiver([500, 503]);
  emulator = await startEmulator([
    "--event-webhook",
    hook.url,
    "--event-webhook",
    flaky.url,
    "--event-retry-delay-ms",
    "20",
  ]);
  keys = new KeyClient(emulator.url, credential, { ...emulatorOptions });
  secrets = new SecretClient(emulator.url, credential, { ...emulatorOptions });
});

after(async () => {
  await emulator?.stop();
  hook?.close();
  flaky?.close();
});

describe("policy clock and events", () => {
  test("a new key version is announced with the documented Event Grid shape", async () => {
    const key = await keys.createEcKey("evt-created", { curve: "P-256" });
    const event = await received(hook, ofType("KeyNewVersionCreated", "evt-created"), "KeyNewVersionCreated");
    assert.equal(event.subject, "evt-created");
    assert.equal(event.data.Id, key.id);
    assert.equal(event.data.Version, key.properties.version);
    assert.equal(event.data.ObjectType, "Key");
    assert.equal(event.data.NBF, null);
    assert.equal(event.data.EXP, null);
    assert.equal(event.dataVersion, "1");
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(event.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0000000Z$/);
    assert.match(event.topic, /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/);
    const delivery = hook.deliveries.find((d) => d.events[0].id === event.id);
    assert.equal(delivery.headers["aeg-event-type"], "Notification");
  });

  test("moving the clock past timeAfterCreate rotates the key, with the policy's expiryTime", async () => {
    const key = await keys.createRsaKey("evt-rotating");
    await keys.updateKeyRotationPolicy("evt-rotating", {
      lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }],
      expiresIn: "P90D",
    });
    await advance(29 * DAY);
    assert.equal((await keys.getKey("evt-rotating")).properties.version, key.properties.version, "not yet due");
    const clock = await advance(2 * DAY);
    const latest = await keys.getKey("evt-rotating");
    assert.notEqual(latest.properties.version, key.properties.version, "rotated");
    assert.equal(latest.keyType, "RSA");
    assert.equal(latest.key.n.length, key.key.n.length);
    const created = latest.properties.createdOn.getTime() / 1000;
    assert.ok(Math.abs(created - clock.now) <= 2, "made at the moved clock's time");
    assert.equal(latest.properties.expiresOn.getTime() / 1000 - created, 90 * DAY);
    const event = await received(
      hook,
      (e) => ofType("KeyNewVersionCreated", "evt-rotating")(e) && e.data.Version === latest.properties.version,
      "KeyNewVersionCreated for the rotation",
    );
    assert.equal(event.data.EXP, created + 90 * DAY);
    const versions = [];
    for await (const p of keys.listPropertiesOfKeyVersions("evt-rotating")) versions.push(p.version);
    assert.equal(versions.length, 2);
  });

  test("near expiry and expiry raise KeyNearExpiry / SecretNearExpiry, then *Expired", async () => {
    const now = (await manage("clock")).now;
    const expiresOn = new Date((now + 40 * DAY) * 1000);
    const secret = await secrets.setSecret("evt-expiring-secret", "v", { expiresOn });
    const key = await keys.createEcKey("evt-expiring-key", { curve: "P-384", expiresOn });
    await advance(5 * DAY);
    assert.equal(
      hook.deliveries.flatMap((d) => d.events).filter((e) => /NearExpiry/.test(e.eventType)).length,
      0,
      "35 days before exp is not near expiry",
    );
    await advance(6 * DAY);
    const nearSecret = await received(hook, ofType("SecretNearExpiry", "evt-expiring-secret"), "SecretNearExpiry");
    assert.equal(nearSecret.data.Version, secret.properties.version);
    assert.equal(nearSecret.data.EXP, now + 40 * DAY);
    const nearKey = await received(hook, ofType("KeyNearExpiry", "evt-expiring-key"), "KeyNearExpiry");
    assert.equal(nearKey.data.Version, key.properties.version);
    await advance(30 * DAY);
    await received(hook, ofType("SecretExpired", "evt-expiring-secret"), "SecretExpired");
    await received(hook, ofType("KeyExpired", "evt-expiring-key"), "KeyExpired");
    // Once per version: moving on raises nothing new for them.
    await advance(DAY);
    const count = hook.deliveries
      .flatMap((d) => d.events)
      .filter((e) => e.data.ObjectName.startsWith("evt-expiring") && /Expir/.test(e.eventType)).length;
    assert.equal(count, 4);
  });

  test("a key's Notify action sets when KeyNearExpiry comes", async () => {
    const now = (await manage("clock")).now;
    await keys.createEcKey("evt-notify", { expiresOn: new Date((now + 60 * DAY) * 1000) });
    await keys.updateKeyRotationPolicy("evt-notify", {
      lifetimeActions: [{ action: "Notify", timeBeforeExpiry: "P45D" }],
      expiresIn: "P90D",
    });
    await advance(16 * DAY);
    await received(hook, ofType("KeyNearExpiry", "evt-notify"), "KeyNearExpiry 45 days before exp");
  });

  test("a webhook that fails is retried until it accepts; counters say so", async () => {
    await secrets.setSecret("evt-retried", "v");
    const event = await received(flaky, ofType("SecretNewVersionCreated", "evt-retried"), "SecretNewVersionCreated");
    const attempts = flaky.deliveries.filter((d) => d.events[0].id === event.id);
    assert.ok(attempts.length >= 1);
    const snapshot = await manage("events");
    const flakyStats = snapshot.webhooks.find((w) => w.url === flaky.url);
    assert.equal(flakyStats.failedAttempts, 2, "the first two attempts (500, 503) failed and were retried");
    assert.deepEqual(
      flaky.deliveries.slice(0, 3).map((d) => d.headers["aeg-delivery-count"]),
      ["0", "1", "2"],
    );
    assert.equal(flaky.deliveries[0].events[0].id, flaky.deliveries[2].events[0].id, "the same event, redelivered");
  });
});
