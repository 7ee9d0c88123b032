// One client in one fresh process: node --expose-gc bench/lib/worker.mjs CLIENT SCENARIO URL [PARAMS_JSON]
// Prints one JSON line on stdout. Client CPU is process.cpuUsage() of this process only (the
// emulator runs in its own); latencies are performance.now() around each call.
//
// Scenarios:
//   requests  set and get, sequential and N in flight (over 100 names, and all on one), each after
//             a warm-up of the same shape
//   memory    RSS / heap after `ops` operations (half setKey, half getKey), after a full GC
//   listing   iterate the whole listing (twice); memory every `every` items
//   keys      the keys plane (the /keys drop-in, @azure/keyvault-keys, raw): one EC P-256 key
//             created, then getKey (latest version) and sign (ES256 over a 32-byte digest, at the
//             service) with N in flight, each after a warm-up of the same shape
import { randomBytes } from "node:crypto";
import { makeClient, makeKeysClient } from "./clients.mjs";

const [kind, scenario, url, paramsJson = "{}"] = process.argv.slice(2);
const params = JSON.parse(paramsJson);
const gc = globalThis.gc ?? (() => {});

const NAMES = params.names ?? 100;
const nameOf = (i) => `bench-${i % NAMES}`;
const HOT = nameOf(0);

/** `count` calls of op(i), `inFlight` at a time: ops/s, client CPU µs per op, p50/p99 in ms. */
async function measure(op, count, inFlight) {
  const latencies = new Float64Array(count);
  let next = 0;
  let failures = 0;
  let firstError;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      try {
        await op(i);
      } catch (e) {
        failures++;
        firstError ??= e;
      }
      latencies[i] = performance.now() - started;
    }
  };
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort();
  const pct = (p) => latencies[Math.min(count - 1, Math.floor((p / 100) * count))];
  return {
    count,
    inFlight,
    opsPerSec: count / (wallMs / 1000),
    cpuUsPerOp: (cpu.user + cpu.system) / count,
    userUsPerOp: cpu.user / count,
    p50Ms: pct(50),
    p99Ms: pct(99),
    wallMs,
    failures,
    ...(firstError ? { firstError: String(firstError?.stack ?? firstError).slice(0, 500) } : {}),
  };
}

const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
};

const afterGc = async () => {
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  return memory();
};

const client = scenario === "keys" ? await makeKeysClient(kind, url) : await makeClient(kind, url);
let result;

if (scenario === "requests") {
  const { seq = 2000, inFlight = 64, conc = 5000, warmSeq = 200, warmConc = 1000 } = params;
  const set = (i) => client.set(nameOf(i));
  const get = (i) => client.get(nameOf(i));
  const shapes = [
    ["set-seq", set, seq, 1, warmSeq],
    ["get-seq", get, seq, 1, warmSeq],
    ["set-conc", set, conc, inFlight, warmConc],
    ["get-conc", get, conc, inFlight, warmConc],
    // Every call on one name: the service's (and the emulator's) contended case.
    ["set-hot", () => client.set(HOT), conc, inFlight, warmConc],
    ["get-hot", () => client.get(HOT), conc, inFlight, warmConc],
  ];
  // Every name exists before the first measured get.
  await measure(set, NAMES, 1);
  result = {};
  for (const [label, op, count, lanes, warm] of shapes) {
    await measure(op, warm, lanes);
    result[label] = await measure(op, count, lanes);
  }
} else if (scenario === "keys") {
  const { inFlight = 64, conc = 5000, warmConc = 1000 } = params;
  const key = await client.create("bench-key");
  const sign = client.signer(key);
  // Distinct digests made before anything is measured, so no client pays for random bytes.
  const digests = Array.from({ length: 256 }, () => new Uint8Array(randomBytes(32)));
  const signature = await sign(digests[0]);
  if ((signature.result ?? signature).length !== 64) throw new Error(`${kind}: an ES256 signature of ${(signature.result ?? signature).length} bytes`);
  const shapes = [
    ["getkey-conc", () => client.get(key.name)],
    ["sign-conc", (i) => sign(digests[i % digests.length])],
  ];
  result = {};
  for (const [label, op] of shapes) {
    await measure(op, warmConc, inFlight);
    result[label] = await measure(op, conc, inFlight);
  }
} else if (scenario === "memory") {
  const { ops = 10_000, inFlight = 64 } = params;
  await measure((i) => client.set(nameOf(i)), NAMES, 1);
  const before = await afterGc();
  const run = await measure((i) => (i % 2 === 0 ? client.set(nameOf(i)) : client.get(nameOf(i))), ops, inFlight);
  const after = await afterGc();
  result = { ops, before, after, failures: run.failures, firstError: run.firstError };
} else if (scenario === "listing") {
  // Pass 1 is what a first listing costs (code warming up included); pass 2 walks the same
  // listing again, so growth there is what the client keeps per item.
  const { every = 1000, passes = 2 } = params;
  result = { passes: [] };
  for (let pass = 0; pass < passes; pass++) {
    const samples = [];
    const sample = async (items) => {
      const live = memory(); // while iterating, before any forced GC
      const settled = await afterGc();
      samples.push({ items, rss: live.rss, heapUsed: live.heapUsed, rssAfterGc: settled.rss, heapAfterGc: settled.heapUsed });
    };
    await sample(0);
    let items = 0;
    let checksum = 0;
    for await (const item of client.list()) {
      items++;
      checksum += (item.name ?? item.id).length;
      if (items % every === 0) await sample(items);
    }
    if (items % every !== 0) await sample(items);
    result.passes.push({ items, checksum, samples });
  }
  result.items = result.passes[0].items;
} else {
  throw new Error(`unknown scenario ${scenario}`);
}

process.stdout.write(`${JSON.stringify({ client: kind, scenario, result })}\n`);
