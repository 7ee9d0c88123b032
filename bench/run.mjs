// Our KeyClient against the official Azure SDK (devDependencies), side by side in one run:
// cold start, CPU and throughput per request, browser bundle size, memory. Every figure is a
// ratio to the official SDK measured in the same run; see bench/README.md.
//
//   npm run build && cargo build --profile emulator -p keyvault-emulator   (once; not done here)
//   node bench/run.mjs            full run (about 3 minutes on 2 cores)
//   node bench/run.mjs --quick    smoke run with small counts (results/quick.*, not committed)
//
// Options: --rounds N (per-request rounds, default 9), --cold-runs N (default 15),
//          --memory-rounds N (default 3), --only cold,requests,memory,listing,bundle, --out NAME,
//          --render results/latest.json (measure nothing: print the table and write the chart of
//          saved results again, e.g. after changing how they are shown)
//
// Each client runs in its own child process (bench/lib/worker.mjs, or bench/lib/cold.mjs for
// cold starts) against its own fresh emulator process; client CPU is that child's alone.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename } from "node:path";
import { measureBundle } from "./lib/bundle.mjs";
import { ratioChart } from "./lib/chart.mjs";
import { makeClient } from "./lib/clients.mjs";
import { benchFile, missingPrerequisites, repoFile, root, snapshotPackage, startEmulator, useEmulatorBinary } from "./lib/env.mjs";

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const quick = argv.includes("--quick");
  const o = {
    quick,
    rounds: quick ? 1 : 9,
    coldRuns: quick ? 4 : 15,
    memoryRounds: quick ? 1 : 3,
    only: "cold,requests,memory,listing,bundle",
    out: quick ? "quick" : "latest",
    render: "",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") continue;
    const key = a.replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in o) || key === "quick") {
      console.error(`unknown option ${a}\nusage: node bench/run.mjs [--quick] [--rounds N] [--cold-runs N] [--memory-rounds N] [--only LIST] [--out NAME] [--render FILE]`);
      process.exit(2);
    }
    const value = argv[++i];
    o[key] = typeof o[key] === "number" ? Number(value) : value;
  }
  // Rendering saved results writes them back under their own name unless --out says otherwise.
  if (o.render && !argv.includes("--out")) o.out = basename(o.render, ".json");
  o.groups = new Set(o.only.split(","));
  o.counts = quick
    ? { seq: 300, conc: 1000, inFlight: 64, warmSeq: 50, warmConc: 200, memoryOps: 2000, listItems: 1000, listEvery: 250 }
    : { seq: 2000, conc: 5000, inFlight: 64, warmSeq: 200, warmConc: 1000, memoryOps: 10_000, listItems: 5000, listEvery: 1000 };
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
  childEnv = { ...process.env, KV_BENCH_OURS: snapshot.nodeEntry, KV_BENCH_OURS_CJS: snapshot.requireEntry };
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
  const wasm = readFileSync(`${snapshot.pkgDir}/pkg/web/keyvault_keys_wasm_bg.wasm`);
  const cjs = readFileSync(`${snapshot.pkgDir}/pkg/node.cjs`);
  const sha = (b) => createHash("sha256").update(b).digest("hex").slice(0, 16);
  return {
    wasmBytes: wasm.length,
    wasmSha256: sha(wasm),
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

const SHAPES = ["set-seq", "get-seq", "set-conc", "get-conc"];
/** oursLean: our client with bench/lib/lean-http.mjs as its httpClient, a transport lever. */
const REQUEST_CLIENTS = ["ours", "official", "raw", "oursLean"];
const FIELDS = ["opsPerSec", "cpuUsPerOp", "p50Ms", "p99Ms"];

async function requestsGroup() {
  const c = o.counts;
  const params = { seq: c.seq, conc: c.conc, inFlight: c.inFlight, warmSeq: c.warmSeq, warmConc: c.warmConc };
  log(
    `per request: ${o.rounds} round(s) of ours, official, raw, ours with a lean transport; ` +
      `${c.seq} sequential and ${c.conc} at ${c.inFlight} in flight, set and get`,
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
    summary[shape].leanRatio = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.oursLean[shape][f] / r.official[shape][f]))]));
    summary[shape].ratioToRaw = Object.fromEntries(FIELDS.map((f) => [f, median(rounds.map((r) => r.ours[shape][f] / r.raw[shape][f]))]));
  }
  results.requests = { params, rounds, summary };
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
  log("bundle: esbuild (bundle, minify, esm, browser) of a setKey/getKey app per client, + its .wasm; gzip -9, brotli 11");
  results.bundle = {
    ours: await measureBundle("ours", snapshot.dir),
    officialKeys: await measureBundle("officialKeys"),
    officialSecrets: await measureBundle("officialSecrets"),
  };
}

// ---------------------------------------------------------------------------------------------
// The table

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");

/**
 * Rows: { metric, ours, official, raw?, ratio, target?: { direction: "max"|"min", value, text },
 * met?, chart?: short label }.
 */
function tableRows() {
  const rows = [];
  const judge = (ratio, target) =>
    target === undefined ? undefined : target.direction === "max" ? ratio <= target.value : ratio >= target.value;
  const add = (row) =>
    rows.push({
      ...row,
      met: row.met ?? judge(row.ratio, row.target),
      milestoneMet: row.target?.milestone === undefined ? undefined : row.ratio <= row.target.milestone,
    });

  if (results.cold) {
    const s = results.cold.summary;
    const ours = s.ours.cpuMs - s.bare.cpuMs;
    const official = s.official.cpuMs - s.bare.cpuMs;
    add({
      metric: "cold start: CPU over bare `node -e 0` (import, construct, one set), ms",
      chart: "cold start CPU over bare node",
      ours: fmt(ours, 1),
      official: fmt(official, 1),
      raw: `${fmt(s.raw.cpuMs - s.bare.cpuMs, 1)} (bare node: ${fmt(s.bare.cpuMs, 1)})`,
      ratio: ours / official,
      target: { direction: "max", value: 1 / 8, text: "≤ 0.125 (1/8)" },
    });
    const viaRequire = s.oursRequire.cpuMs - s.bare.cpuMs;
    add({
      metric: "lever, cold start: ours through `require()` (the same code without the ESM loader in front): CPU over bare, ms",
      chart: "cold start CPU, through require() (lever)",
      ours: fmt(viaRequire, 1),
      official: fmt(official, 1),
      raw: "",
      ratio: viaRequire / official,
      target: { direction: "max", value: 1 / 8, text: "(≤ 0.125)" },
      lever: true,
    });
    const steps = (p) => ["start", "import", "construct", "set", "exit"].map((k) => fmt(p[k], 1)).join(" / ");
    add({
      metric: "cold start, where the CPU goes (medians, ms): node + ESM start / import / construct / first set / exit",
      ours: steps(s.ours.phases),
      official: steps(s.official.phases),
      raw: steps(s.raw.phases),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: "cold start through `require()`, where the CPU goes (medians, ms): node start / require / construct / first set / exit",
      ours: steps(s.oursRequire.phases),
      official: "",
      raw: "",
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: "cold start: wall time of the process, ms",
      chart: "cold start wall time",
      ours: fmt(s.ours.wallMs, 0),
      official: fmt(s.official.wallMs, 0),
      raw: `${fmt(s.raw.wallMs, 0)} (bare node: ${fmt(s.bare.wallMs, 0)})`,
      ratio: s.ours.wallMs / s.official.wallMs,
    });
  }
  if (results.requests) {
    const s = results.requests.summary;
    const { seq, conc, inFlight } = results.requests.params;
    const shapeText = {
      "set-seq": `setKey vs setSecret, ${fmt(seq)} sequential`,
      "get-seq": `getKey vs getSecret, ${fmt(seq)} sequential`,
      "set-conc": `setKey vs setSecret, ${fmt(conc)} at ${inFlight} in flight`,
      "get-conc": `getKey vs getSecret, ${fmt(conc)} at ${inFlight} in flight`,
    };
    const short = { "set-seq": "set seq", "get-seq": "get seq", "set-conc": `set @${inFlight}`, "get-conc": `get @${inFlight}` };
    for (const shape of SHAPES) {
      const conc = shape.endsWith("conc");
      const x = s[shape];
      add({
        metric: `${shapeText[shape]}: client CPU µs/op`,
        chart: `${short[shape]}: client CPU per op`,
        ours: fmt(x.ours.cpuUsPerOp),
        official: fmt(x.official.cpuUsPerOp),
        raw: fmt(x.raw.cpuUsPerOp),
        ratio: x.ratio.cpuUsPerOp,
        target: conc ? { direction: "max", value: 0.6, text: "≤ 0.6" } : undefined,
      });
      add({
        metric: `${shapeText[shape]}: ops/s`,
        chart: `${short[shape]}: ops/s (higher is better)`,
        ours: fmt(x.ours.opsPerSec),
        official: fmt(x.official.opsPerSec),
        raw: fmt(x.raw.opsPerSec),
        ratio: x.ratio.opsPerSec,
        target: conc ? { direction: "min", value: 1.5, text: "≥ 1.5" } : undefined,
      });
      if (conc) {
        add({
          metric: `lever, ${shapeText[shape]}: ours with a lean node:http transport (bench/lib/lean-http.mjs, via httpClient): client CPU µs/op`,
          chart: `${short[shape]}: CPU per op, lean transport (lever)`,
          ours: fmt(x.oursLean.cpuUsPerOp),
          official: fmt(x.official.cpuUsPerOp),
          raw: fmt(x.raw.cpuUsPerOp),
          ratio: x.leanRatio.cpuUsPerOp,
          target: { direction: "max", value: 0.6, text: "(≤ 0.6)" },
          lever: true,
        });
        add({
          metric: `lever, ${shapeText[shape]}: ours with a lean node:http transport: ops/s`,
          chart: `${short[shape]}: ops/s, lean transport (lever)`,
          ours: fmt(x.oursLean.opsPerSec),
          official: fmt(x.official.opsPerSec),
          raw: fmt(x.raw.opsPerSec),
          ratio: x.leanRatio.opsPerSec,
          target: { direction: "min", value: 1.5, text: "(≥ 1.5)" },
          lever: true,
        });
      }
      add({
        metric: `${shapeText[shape]}: p50 / p99 latency, ms`,
        ours: `${fmt(x.ours.p50Ms, 2)} / ${fmt(x.ours.p99Ms, 2)}`,
        official: `${fmt(x.official.p50Ms, 2)} / ${fmt(x.official.p99Ms, 2)}`,
        raw: `${fmt(x.raw.p50Ms, 2)} / ${fmt(x.raw.p99Ms, 2)}`,
        ratio: x.ratio.p50Ms,
        ratioText: `${fmt(x.ratio.p50Ms, 2)} / ${fmt(x.ratio.p99Ms, 2)}`,
      });
    }
  }
  if (results.bundle) {
    const b = results.bundle;
    const both = (size) => `${kb(size.gzip)} / ${kb(size.brotli)}`;
    add({
      metric: "browser bundle, JS + .wasm, gzip -9, vs official KeyClient",
      chart: "bundle gzip vs official KeyClient",
      ours: `${kb(b.ours.total.gzip)} (JS ${kb(b.ours.js.gzip)} + wasm ${kb(b.ours.wasm.gzip)})`,
      official: kb(b.officialKeys.total.gzip),
      raw: "",
      ratio: b.ours.total.gzip / b.officialKeys.total.gzip,
      target: { direction: "max", value: 1, milestone: 2, text: "≤ 1.0 (milestone ≤ 2.0)" },
    });
    add({
      metric: "browser bundle, JS + .wasm, brotli 11, vs official KeyClient",
      chart: "bundle brotli vs official KeyClient",
      ours: `${kb(b.ours.total.brotli)} (JS ${kb(b.ours.js.brotli)} + wasm ${kb(b.ours.wasm.brotli)})`,
      official: kb(b.officialKeys.total.brotli),
      raw: "",
      ratio: b.ours.total.brotli / b.officialKeys.total.brotli,
      target: { direction: "max", value: 1, milestone: 2, text: "≤ 1.0 (milestone ≤ 2.0)" },
    });
    add({
      metric: "browser bundle gzip / brotli vs official SecretClient",
      chart: "bundle gzip vs official SecretClient",
      ours: both(b.ours.total),
      official: both(b.officialSecrets.total),
      raw: "",
      ratio: b.ours.total.gzip / b.officialSecrets.total.gzip,
      ratioText: `${fmt(b.ours.total.gzip / b.officialSecrets.total.gzip, 2)} / ${fmt(b.ours.total.brotli / b.officialSecrets.total.brotli, 2)}`,
    });
    add({
      metric: "browser bundle uncompressed (minified JS + .wasm) vs official KeyClient",
      ours: `${kb(b.ours.total.raw)} (JS ${kb(b.ours.js.raw)} + wasm ${kb(b.ours.wasm.raw)})`,
      official: kb(b.officialKeys.total.raw),
      raw: "",
      ratio: b.ours.total.raw / b.officialKeys.total.raw,
    });
  }
  if (results.memory) {
    const m = results.memory.summary;
    add({
      metric: `memory: RSS after ${fmt(results.memory.ops)} operations, after GC`,
      chart: `RSS after ${fmt(results.memory.ops)} ops`,
      ours: mb(m.ours.rssAfter),
      official: mb(m.official.rssAfter),
      raw: mb(m.raw.rssAfter),
      ratio: m.ours.rssAfter / m.official.rssAfter,
    });
    add({
      metric: `memory: JS heap used after ${fmt(results.memory.ops)} operations, after GC`,
      chart: `heap after ${fmt(results.memory.ops)} ops`,
      ours: mb(m.ours.heapAfter),
      official: mb(m.official.heapAfter),
      raw: mb(m.raw.heapAfter),
      ratio: m.ours.heapAfter / m.official.heapAfter,
    });
  }
  if (results.listing) {
    const l = results.listing.summary;
    const { items, every } = results.listing;
    add({
      metric: `listing ${fmt(items)} items (first pass): peak RSS while iterating`,
      chart: `peak RSS listing ${fmt(items)} items`,
      ours: mb(l.ours.rssPeak),
      official: mb(l.official.rssPeak),
      raw: mb(l.raw.rssPeak),
      ratio: l.ours.rssPeak / l.official.rssPeak,
    });
    add({
      metric: `listing (first pass): RSS growth per item, item ${fmt(every)} → ${fmt(items)}, bytes`,
      ours: fmt(l.ours.rssGrowthPerItem, 1),
      official: fmt(l.official.rssGrowthPerItem, 1),
      raw: fmt(l.raw.rssGrowthPerItem, 1),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: `listing (first pass): heap growth per item after GC, item ${fmt(every)} → ${fmt(items)}, bytes (code warming up included)`,
      ours: fmt(l.ours.heapGrowthPerItemFirstPass, 1),
      official: fmt(l.official.heapGrowthPerItemFirstPass, 1),
      raw: fmt(l.raw.heapGrowthPerItemFirstPass, 1),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: `listing (second pass, same process): heap retained per item after GC, item ${fmt(every)} → ${fmt(items)}, bytes`,
      ours: fmt(l.ours.heapGrowthPerItem, 1),
      official: fmt(l.official.heapGrowthPerItem, 1),
      raw: fmt(l.raw.heapGrowthPerItem, 1),
      ratio: NaN,
      ratioText: "",
      target: { text: `flat: < ${FLAT_BYTES_PER_ITEM} B/item` },
      met: l.ours.heapGrowthPerItem < FLAT_BYTES_PER_ITEM,
    });
  }
  return rows;
}

/**
 * "Flat": a listing that kept its items would retain hundreds of bytes per item (a properties
 * object with its id, name, URL and dates). Once the code is warm, what nothing keeps still
 * shows as ~15 B/item (the raw floor, which holds no item, measures that much).
 */
const FLAT_BYTES_PER_ITEM = 64;

function markdownTable(rows) {
  const lines = [
    "| metric | ours | official | raw node:http floor | ours ÷ official | target | met? |",
    "|---|---:|---:|---:|---:|---|:-:|",
  ];
  for (const r of rows) {
    const ratio = r.ratioText ?? (Number.isFinite(r.ratio) ? `${fmt(r.ratio, 2)}×` : "");
    let met = r.met === true ? "yes" : r.met === false ? "**no**" : "";
    if (r.lever) met = r.met ? "(would be met)" : "(still missed)";
    if (r.milestoneMet !== undefined) met += ` (milestone: ${r.milestoneMet ? "yes" : "**no**"})`;
    lines.push(`| ${r.metric} | ${r.ours} | ${r.official} | ${r.raw ?? ""} | ${ratio} | ${r.target?.text ?? ""} | ${met} |`);
  }
  return lines.join("\n");
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
  results.meta.build = buildInfo();

  const started = performance.now();
  if (o.groups.has("cold")) await coldGroup();
  if (o.groups.has("requests")) await requestsGroup();
  if (o.groups.has("memory")) await memoryGroup();
  if (o.groups.has("listing")) await listingGroup();
  if (o.groups.has("bundle")) await bundleGroup();
  results.meta.seconds = Math.round((performance.now() - started) / 1000);
}

const rows = tableRows();
results.table = rows.map(({ metric, ours, official, raw, ratio, target, met, milestoneMet, lever }) => ({
  metric,
  ours,
  official,
  raw,
  ratio: Number.isFinite(ratio) ? ratio : null,
  target: target?.text ?? null,
  met: met ?? null,
  ...(milestoneMet === undefined ? {} : { milestoneMet }),
  ...(lever ? { lever: true } : {}),
}));

mkdirSync(benchFile("results"), { recursive: true });
const jsonPath = benchFile(`results/${o.out}.json`);
const svgPath = benchFile(`results/${o.out === "latest" ? "ratios" : `${o.out}-ratios`}.svg`);
writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
const chartRows = rows
  .filter((r) => r.chart && Number.isFinite(r.ratio))
  .map((r) => ({ label: r.chart, ratio: r.ratio, target: r.target?.value, milestone: r.target?.milestone, met: r.met, lever: r.lever }));
writeFileSync(
  svgPath,
  ratioChart(chartRows, {
    title: "keyvault-keys-wasm ÷ official Azure SDK (same run)",
    subtitle: `${results.meta.date.slice(0, 10)} · ${results.meta.command} · node ${results.meta.node} · ${results.meta.cpus} × ${results.meta.cpuModel ?? "cpu"}`,
  }),
);

const met = rows.filter((r) => r.met === true && !r.lever).length;
const judged = rows.filter((r) => r.met !== undefined && !r.lever).length;
console.log(`\n${markdownTable(rows)}\n`);
console.log(`${met} of ${judged} targets met. ${o.render ? "Rendered again from the saved results" : `${results.meta.seconds} s`}. Wrote ${jsonPath.slice(root.length)} and ${svgPath.slice(root.length)}.`);
