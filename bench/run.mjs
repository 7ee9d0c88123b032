// Our KeyClient against the official Azure SDK (devDependencies), side by side in one run:
// cold start, CPU and throughput per request, browser bundle size, memory; and the /keys drop-in
// against @azure/keyvault-keys (getKey and sign per request, bundle). Every figure is a ratio to
// the official SDK measured in the same run; see bench/README.md.
//
//   npm run build && cargo build --profile emulator -p keyvault-emulator   (once; not done here)
//   node bench/run.mjs            full run (about 8 minutes on 2 cores)
//   node bench/run.mjs --quick    smoke run with small counts (results/quick.*, not committed)
//
// Options: --rounds N (per-request rounds, default 9), --cold-runs N (default 31),
//          --memory-rounds N (default 3), --keys-rounds N (rounds of the keys plane, default 7),
//          --only cold,requests,keys,memory,listing,bundle, --out NAME,
//          --render results/latest.json (measure nothing: print the table and write the chart of
//          saved results again, e.g. after changing how they are shown)
//
// Each client runs in its own child process (bench/lib/worker.mjs, or bench/lib/cold.mjs for
// cold starts) against its own fresh emulator process; client CPU is that child's alone.
// The table, the targets, the results JSON and the chart: bench/lib/report.mjs.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { basename } from "node:path";
import { measureBundle } from "./lib/bundle.mjs";
import { makeClient } from "./lib/clients.mjs";
import { missingPrerequisites, repoFile, root, snapshotPackage, startEmulator, useEmulatorBinary } from "./lib/env.mjs";
import { KEY_SHAPES, mb, report, SHAPES } from "./lib/report.mjs";

// ---------------------------------------------------------------------------------------------
// Options

const GROUPS = ["cold", "requests", "keys", "memory", "listing", "bundle"];

function parseArgs(argv) {
  const quick = argv.includes("--quick");
  const o = {
    quick,
    rounds: quick ? 1 : 9,
    coldRuns: quick ? 4 : 31,
    memoryRounds: quick ? 1 : 3,
    keysRounds: quick ? 1 : 7,
    only: "cold,requests,keys,memory,listing,bundle",
    out: quick ? "quick" : "latest",
    render: "",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") continue;
    const key = a.replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in o) || key === "quick") {
      console.error(`unknown option ${a}\nusage: node bench/run.mjs [--quick] [--rounds N] [--cold-runs N] [--memory-rounds N] [--keys-rounds N] [--only LIST] [--out NAME] [--render FILE]`);
      process.exit(2);
    }
    const value = argv[++i];
    o[key] = typeof o[key] === "number" ? Number(value) : value;
  }
  // Rendering saved results writes them back under their own name unless --out says otherwise.
  if (o.render && !argv.includes("--out")) o.out = basename(o.render, ".json");
  o.groups = new Set(o.only.split(","));
  const unknown = [...o.groups].filter((g) => !GROUPS.includes(g));
  if (unknown.length) {
    console.error(`unknown group(s) in --only: ${unknown.join(", ")} (groups: ${GROUPS.join(",")})`);
    process.exit(2);
  }
  o.counts = quick
    ? { seq: 300, conc: 1000, inFlight: 64, warmSeq: 50, warmConc: 200, keysConc: 1000, keysWarm: 200, memoryOps: 2000, listItems: 1000, listEvery: 250 }
    : { seq: 2000, conc: 5000, inFlight: 64, warmSeq: 200, warmConc: 1000, keysConc: 3000, keysWarm: 1000, memoryOps: 10_000, listItems: 5000, listEvery: 1000 };
  return o;
}

const o = parseArgs(process.argv.slice(2));
const log = (...args) => console.error(...args);

// One build for the whole run, even if pkg/ is rebuilt meanwhile.
let snapshot;
let childEnv;
if (!o.render) {
  const missing = missingPrerequisites();
  if (missing.length) {
    console.error(`bench/run.mjs needs, and does not build:\n  - ${missing.join("\n  - ")}`);
    process.exit(1);
  }
  snapshot = snapshotPackage();
  process.on("exit", () => snapshot.remove());
  useEmulatorBinary(snapshot.emulator);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  childEnv = {
    ...process.env,
    KV_BENCH_OURS: snapshot.nodeEntry,
    KV_BENCH_OURS_CJS: snapshot.requireEntry,
    KV_BENCH_OURS_SECRETS: snapshot.secretsEntry,
    KV_BENCH_OURS_KEYS: snapshot.keysEntry,
  };
}
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Child processes

/** Child processes still running: ended with the run (Ctrl-C, an error). */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Runs `node ...args` from the repo root; resolves to its stdout; rejects on a non-zero exit. */
function node(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.on("exit", () => running.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(" ")} exited ${code ?? signal}\n${stderr.slice(-2000)}`));
    });
  });
}

const lastJsonLine = (stdout) => JSON.parse(stdout.trim().split("\n").at(-1));

/** One worker (one client, one scenario) against a fresh emulator of its own. */
async function worker(client, scenario, params, url) {
  const own = url ? null : await startEmulator();
  try {
    const out = await node(["--expose-gc", "bench/lib/worker.mjs", client, scenario, url ?? own.url, JSON.stringify(params)]);
    return lastJsonLine(out).result;
  } finally {
    await own?.stop();
  }
}

/** Rotates the order each round, so no client always runs first (or right after another). */
const rotated = (list, round) => list.map((_, i) => list[(i + round) % list.length]);

// ---------------------------------------------------------------------------------------------
// Groups

const results = o.render ? JSON.parse(readFileSync(o.render, "utf8")) : {
  meta: {
    command: `node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`,
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    commit: gitCommit(),
    packages: {
      "@azure/keyvault-secrets": pkgVersion("@azure/keyvault-secrets"),
      "@azure/keyvault-keys": pkgVersion("@azure/keyvault-keys"),
      esbuild: pkgVersion("esbuild"),
    },
    options: { ...o, groups: [...o.groups] },
  },
};

function gitCommit() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "js", "Cargo.toml", "Cargo.lock"], { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${head} (+ uncommitted changes in src/js)` : head;
  } catch {
    return "unknown";
  }
}

function buildInfo() {
  const wasm = readFileSync(`${snapshot.pkgDir}/pkg/web/keyvault_secrets_bg.wasm`);
  const cjs = readFileSync(`${snapshot.pkgDir}/pkg/node.cjs`);
  const sha = (b) => createHash("sha256").update(b).digest("hex").slice(0, 16);
  // Every module of the build (pkg/web/ and any other, such as a keys plane of its own).
  const wasmFiles = Object.fromEntries(
    readdirSync(`${snapshot.pkgDir}/pkg`, { recursive: true })
      .filter((f) => String(f).endsWith(".wasm"))
      .sort()
      .map((f) => {
        const bytes = readFileSync(`${snapshot.pkgDir}/pkg/${f}`);
        return [`pkg/${f}`, { bytes: bytes.length, sha256: sha(bytes) }];
      }),
  );
  return {
    wasmBytes: wasm.length,
    wasmSha256: sha(wasm),
    wasmFiles,
    nodeCjsBytes: cjs.length,
    nodeCjsSha256: sha(cjs),
    emulatorSha256: sha(readFileSync(snapshot.emulator)),
  };
}

function pkgVersion(name) {
  return JSON.parse(readFileSync(repoFile(`node_modules/${name}/package.json`), "utf8")).version;
}

async function coldGroup() {
  log(`cold start: ${o.coldRuns} fresh processes each of bare node, ours (import), official, ours (require), raw node:http (1 warm-up each)`);
  const emulator = await startEmulator();
  const preload = ["-r", "./bench/lib/exit-cpu.cjs"];
  const kinds = {
    bare: [...preload, "-e", "0"],
    ours: [...preload, "bench/lib/cold.mjs", "ours", emulator.url],
    official: [...preload, "bench/lib/cold.mjs", "official", emulator.url],
    oursRequire: [...preload, "bench/lib/cold-require.cjs", emulator.url],
    raw: [...preload, "bench/lib/cold.mjs", "raw", emulator.url],
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  try {
    for (let run = -1; run < o.coldRuns; run++) {
      for (const kind of rotated(Object.keys(kinds), run + 1)) {
        const started = performance.now();
        const r = lastJsonLine(await node(kinds[kind]));
        const wallMs = performance.now() - started;
        const cpuMs = (r.userUs + r.systemUs) / 1000;
        const p = r.phases;
        const phases = p && {
          start: p.start,
          import: p.imported - p.start,
          construct: p.constructed - p.imported,
          set: p.set - p.constructed,
          exit: cpuMs - p.set,
        };
        if (run >= 0) samples[kind].push({ cpuMs, userMs: r.userUs / 1000, systemMs: r.systemUs / 1000, maxRssKb: r.maxRssKb, wallMs, phases });
      }
    }
  } finally {
    await emulator.stop();
  }
  const summary = {};
  for (const [kind, xs] of Object.entries(samples)) {
    summary[kind] = {
      cpuMs: median(xs.map((x) => x.cpuMs)),
      userMs: median(xs.map((x) => x.userMs)),
      systemMs: median(xs.map((x) => x.systemMs)),
      wallMs: median(xs.map((x) => x.wallMs)),
      maxRssKb: median(xs.map((x) => x.maxRssKb)),
      minCpuMs: Math.min(...xs.map((x) => x.cpuMs)),
      maxCpuMs: Math.max(...xs.map((x) => x.cpuMs)),
      phases: xs[0].phases && Object.fromEntries(Object.keys(xs[0].phases).map((k) => [k, median(xs.map((x) => x.phases[k]))])),
    };
  }
  results.cold = { runs: o.coldRuns, summary, samples };
  log(
    `  CPU median: bare ${summary.bare.cpuMs.toFixed(1)} ms, ours ${summary.ours.cpuMs.toFixed(1)} ms, ` +
      `official ${summary.official.cpuMs.toFixed(1)} ms, ours via require ${summary.oursRequire.cpuMs.toFixed(1)} ms, ` +
      `raw node:http ${summary.raw.cpuMs.toFixed(1)} ms`,
  );
}

/** oursSecrets: the keyvault-keys-wasm/secrets drop-in, whose counterpart is the same official client. */
const REQUEST_CLIENTS = ["ours", "official", "raw", "oursSecrets"];
const FIELDS = ["opsPerSec", "cpuUsPerOp", "p50Ms", "p99Ms"];

async function requestsGroup() {
  const c = o.counts;
  const params = { seq: c.seq, conc: c.conc, inFlight: c.inFlight, warmSeq: c.warmSeq, warmConc: c.warmConc };
  log(
    `per request: ${o.rounds} round(s) of ours, official, raw, ours through /secrets; ` +
      `${c.seq} sequential and ${c.conc} at ${c.inFlight} in flight (100 names, then 1), set and get`,
  );
  const rounds = [];
  for (let round = 0; round < o.rounds; round++) {
    const row = {};
    for (const client of rotated(REQUEST_CLIENTS, round)) {
      row[client] = await worker(client, "requests", params);
      for (const shape of SHAPES) {
        if (row[client][shape].failures) throw new Error(`${client} ${shape}: ${row[client][shape].failures} failures: ${row[client][shape].firstError}`);
      }
    }
    rounds.push(row);
    log(
      `  round ${round + 1}: ` +
        SHAPES.map((s) => `${s} ${REQUEST_CLIENTS.map((c) => row[c][s].cpuUsPerOp.toFixed(0)).join("/")} µs`).join(", ") +
        ` (CPU per op: ${REQUEST_CLIENTS.join("/")})`,
    );
  }
  // Medians of each figure, and the median of the per-round (paired) ratios.
  const summary = {};
  for (const shape of SHAPES) {
    summary[shape] = {};
    for (const client of REQUEST_CLIENTS) {
      summary[shape][client] = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r[client][shape][f]))]));
    }
    summary[shape].ratio = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.ours[shape][f] / r.official[shape][f]))]));
    summary[shape].ratioToRaw = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.ours[shape][f] / r.raw[shape][f]))]));
    summary[shape].secretsRatio = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.oursSecrets[shape][f] / r.official[shape][f]))]));
  }
  results.requests = { params, rounds, summary };
}

/** The keys plane: ours is the /keys drop-in, official @azure/keyvault-keys, raw a node:http floor. */
const KEYS_CLIENTS = ["ours", "official", "raw"];

async function keysGroup() {
  const c = o.counts;
  const params = { conc: c.keysConc, inFlight: c.inFlight, warmConc: c.keysWarm };
  log(
    `keys plane: ${o.keysRounds} round(s) of ours (/keys), official (@azure/keyvault-keys), raw; ` +
      `${c.keysConc} at ${c.inFlight} in flight (after ${c.keysWarm}) of getKey and of sign (ES256, P-256 key)`,
  );
  const rounds = [];
  for (let round = 0; round < o.keysRounds; round++) {
    const row = {};
    for (const client of rotated(KEYS_CLIENTS, round)) {
      row[client] = await worker(client, "keys", params);
      for (const shape of KEY_SHAPES) {
        if (row[client][shape].failures) throw new Error(`${client} ${shape}: ${row[client][shape].failures} failures: ${row[client][shape].firstError}`);
      }
    }
    rounds.push(row);
    log(
      `  round ${round + 1}: ` +
        KEY_SHAPES.map((s) => `${s} ${KEYS_CLIENTS.map((c) => row[c][s].cpuUsPerOp.toFixed(0)).join("/")} µs`).join(", ") +
        ` (CPU per op: ${KEYS_CLIENTS.join("/")})`,
    );
  }
  const summary = {};
  for (const shape of KEY_SHAPES) {
    summary[shape] = {};
    for (const client of KEYS_CLIENTS) {
      summary[shape][client] = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r[client][shape][f]))]));
    }
    summary[shape].ratio = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.ours[shape][f] / r.official[shape][f]))]));
    summary[shape].ratioToRaw = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.ours[shape][f] / r.raw[shape][f]))]));
  }
  results.keys = { params, rounds, summary };
}

async function memoryGroup() {
  const ops = o.counts.memoryOps;
  log(`memory: ${o.memoryRounds} round(s): RSS after ${ops} operations (half set, half get, 64 in flight), after GC`);
  const rounds = [];
  for (let round = 0; round < o.memoryRounds; round++) {
    const row = {};
    for (const client of rotated(["ours", "official", "raw"], round)) {
      row[client] = await worker(client, "memory", { ops, inFlight: 64 });
      if (row[client].failures) throw new Error(`${client} memory: ${row[client].failures} failures: ${row[client].firstError}`);
    }
    rounds.push(row);
  }
  const summary = {};
  for (const client of ["ours", "official", "raw"]) {
    summary[client] = {
      rssBefore: median(rounds.map((r) => r[client].before.rss)),
      rssAfter: median(rounds.map((r) => r[client].after.rss)),
      heapAfter: median(rounds.map((r) => r[client].after.heapUsed)),
      externalAfter: median(rounds.map((r) => r[client].after.external)),
    };
  }
  results.memory = { ops, rounds, summary };
  log(`  RSS after: ours ${mb(summary.ours.rssAfter)}, official ${mb(summary.official.rssAfter)}, raw ${mb(summary.raw.rssAfter)}`);
}

/** Puts `count` secrets into the emulator at 64 in flight (the raw client: setup, not measured). */
async function seed(url, count) {
  const raw = await makeClient("raw", url);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        const i = next++;
        await raw.set(`item-${String(i).padStart(5, "0")}`);
      }
    }),
  );
}

async function listingGroup() {
  const { listItems, listEvery } = o.counts;
  log(`listing: ${listItems} items (${Math.ceil(listItems / 25)} pages of 25), memory every ${listEvery} items; ${o.memoryRounds} round(s)`);
  const emulator = await startEmulator();
  const rounds = [];
  try {
    await seed(emulator.url, listItems);
    for (let round = 0; round < o.memoryRounds; round++) {
      const row = {};
      for (const client of rotated(["ours", "official", "raw"], round)) {
        row[client] = await worker(client, "listing", { every: listEvery }, emulator.url);
        if (row[client].items !== listItems) throw new Error(`${client} listed ${row[client].items} items, expected ${listItems}`);
      }
      rounds.push(row);
    }
  } finally {
    await emulator.stop();
  }
  // Growth per item from the sample at `listEvery` items to the end of a pass.
  const growth = (samples, field) => {
    const first = samples.find((s) => s.items === listEvery);
    const last = samples.at(-1);
    return (last[field] - first[field]) / (last.items - first.items);
  };
  const summary = {};
  for (const client of ["ours", "official", "raw"]) {
    const [first, second] = [0, 1].map((p) => rounds.map((r) => r[client].passes[p].samples));
    summary[client] = {
      rssAtEnd: median(first.map((s) => s.at(-1).rss)),
      rssPeak: median(first.map((s) => Math.max(...s.map((x) => x.rss)))),
      rssGrowthPerItem: median(first.map((s) => growth(s, "rss"))),
      heapGrowthPerItemFirstPass: median(first.map((s) => growth(s, "heapAfterGc"))),
      heapGrowthPerItem: median(second.map((s) => growth(s, "heapAfterGc"))),
      rssGrowthPerItemSecondPass: median(second.map((s) => growth(s, "rss"))),
      samples: rounds[0][client].passes[0].samples,
    };
  }
  results.listing = { items: listItems, every: listEvery, rounds, summary };
  log(
    `  retained heap per item (second pass, after GC, ${listEvery}→${listItems}): ours ${summary.ours.heapGrowthPerItem.toFixed(1)} B, ` +
      `official ${summary.official.heapGrowthPerItem.toFixed(1)} B`,
  );
}

async function bundleGroup() {
  log("bundle: esbuild (bundle, minify, esm, browser) of a small app per client, + its .wasm; gzip -9, brotli 11");
  results.bundle = {
    ours: await measureBundle("ours", snapshot.dir),
    oursSecrets: await measureBundle("oursSecrets", snapshot.dir),
    oursKeys: await measureBundle("oursKeys", snapshot.dir),
    officialKeys: await measureBundle("officialKeys"),
    officialSecrets: await measureBundle("officialSecrets"),
    officialKeysCrypto: await measureBundle("officialKeysCrypto"),
  };
}

// ---------------------------------------------------------------------------------------------
// Run

if (!o.render) {
  // The build must load before anything is measured (a half-finished `npm run build` does not).
  try {
    await node(["-e", `import(${JSON.stringify(snapshot.nodeEntry)}).then((m) => { if (typeof m.KeyClient !== "function") throw new Error("no KeyClient"); })`]);
  } catch (e) {
    console.error(`our package does not load from pkg/ (is \`npm run build\` still running?)\n${e.message}`);
    process.exit(1);
  }
  if (o.groups.has("keys")) {
    try {
      await node(["-e", `import(${JSON.stringify(snapshot.keysEntry)}).then((m) => { if (typeof m.KeyClient !== "function" || typeof m.CryptographyClient !== "function") throw new Error("no KeyClient or CryptographyClient"); })`]);
    } catch (e) {
      console.error(`the /keys entry of our package does not load\n${e.message}`);
      process.exit(1);
    }
  }
  results.meta.build = buildInfo();

  const started = performance.now();
  if (o.groups.has("cold")) await coldGroup();
  if (o.groups.has("requests")) await requestsGroup();
  if (o.groups.has("keys")) await keysGroup();
  if (o.groups.has("memory")) await memoryGroup();
  if (o.groups.has("listing")) await listingGroup();
  if (o.groups.has("bundle")) await bundleGroup();
  results.meta.seconds = Math.round((performance.now() - started) / 1000);
}

report(results, { out: o.out, render: o.render });
