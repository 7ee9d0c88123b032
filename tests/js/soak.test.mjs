// 1,500 setKey calls, 64 in flight, with the client's default retry settings, against an
// emulator that fails 20% of requests (429/503, no Retry-After) and drops 5% of connections.
// Every call must succeed, the vault must hold exactly one version per acknowledged call, and
// every acknowledged value must read back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KeyClient } from "keyvault-keys-wasm";
import { emulatorOptions, pool, startEmulator } from "./helpers.mjs";

const CALLS = 1_500;
const IN_FLIGHT = 64;
const NAMES = 100;
let emulator;

before(async () => {
  emulator = await startEmulator(["--fault-rate", "0.2", "--fault-statuses", "429,503", "--drop-rate", "0.05", "--seed", "1500"]);
});
after(() => emulator?.stop());

test(`soak: ${CALLS} setKey at ${IN_FLIGHT} in flight through faults and drops, default retries`, { timeout: 300_000 }, async () => {
  const client = new KeyClient(emulator.url, async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }), emulatorOptions);
  const results = await pool(CALLS, IN_FLIGHT, (i) => client.setKey(`soak-${i % NAMES}`, `value-${i}`));
  const failed = results.filter((r) => !r.ok);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  console.log(
    `# soak: ${CALLS - failed.length}/${CALLS} succeeded; emulator injected ${stats.faults} faults and dropped ${stats.dropped} connections in ${stats.requests} requests`,
  );
  assert.deepEqual(failed.map((r) => String(r.error)).slice(0, 5), []);
  assert.ok(stats.faults > 100 && stats.dropped > 20, JSON.stringify(stats));

  await fetch(`${emulator.url}/_emulator/faults`, { method: "PUT", body: JSON.stringify({ faultRate: 0, dropRate: 0 }) });
  for (let n = 0; n < NAMES; n++) {
    const acked = results.filter((_, i) => i % NAMES === n).map((r) => r.value);
    const stored = [];
    for await (const p of client.listPropertiesOfKeyVersions(`soak-${n}`)) stored.push(p.version);
    assert.deepEqual(stored.sort(), acked.map((k) => k.properties.version).sort(), `soak-${n}: one version per acknowledged call`);
  }
  const check = await pool(CALLS, IN_FLIGHT, async (i) => {
    const k = results[i].value;
    return (await client.getKey(k.name, { version: k.properties.version })).value === `value-${i}`;
  });
  assert.ok(check.every((r) => r.ok && r.value), "every acknowledged value reads back");
});
