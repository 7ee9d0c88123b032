// Emulator throughput and server CPU per request, driven by a raw keep-alive node:http client
// with a fixed number of requests in flight. Operations (`--ops`): setSecret (PUT
// /secrets/{name}), getKey (GET /keys/{name}/{version}), signRsa2048 and signP256 (POST
// /keys/{name}/{version}/sign with RS256 / ES256 over a fresh 32-byte digest each time).
//
//   cargo build --profile emulator -p keyvault-emulator
//   node bench/emulator-throughput.mjs [--requests 20000] [--warmup 2000] [--concurrency 64]
//        [--runs 3] [--value-bytes 100] [--names 1000] [--modes memory,sqlite]
//        [--ops setSecret,getKey,signRsa2048,signP256]
//
// Server CPU is read from /proc: the sum of every emulator thread's on-CPU time
// (/proc/PID/task/*/schedstat, nanoseconds) and, as a cross-check, utime+stime of /proc/PID/stat
// (clock ticks), each taken before and after the measured requests. The client runs in this
// process; its CPU is reported too but is not the emulator's cost.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../target/emulator/keyvault-emulator", import.meta.url));

function options(argv) {
  const o = {
    requests: 20000,
    warmup: 2000,
    concurrency: 64,
    runs: 3,
    valueBytes: 100,
    names: 1000,
    modes: "memory,sqlite",
    ops: "setSecret",
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in o)) throw new Error(`unknown option ${argv[i]}`);
    const value = argv[++i];
    o[key] = typeof o[key] === "number" ? Number(value) : value;
  }
  return o;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** On-CPU nanoseconds of every thread of `pid` (precise) and utime+stime in ns (tick resolution). */
function serverCpu(pid) {
  let sched = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      sched += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that just exited.
    }
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { sched, stat: (ticks * 1e9) / CLK_TCK };
}

function startEmulator(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    child.on("error", reject);
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (\S+)$/.exec(line);
      m ? resolve({ url: new URL(m[1]), child }) : reject(new Error(line));
    });
  });
}

/** One request to the emulator; resolves to the parsed JSON answer (or rejects). */
function call(url, agent, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${path}?api-version=2025-07-01`,
        headers: { authorization: "Bearer bench", "content-type": "application/json" },
        agent,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * What request `i` of an operation is: `{ method, path, body }`. Key operations first create
 * their key (one per run, so every request uses the same version).
 */
async function operation(op, url, agent, o) {
  const body = JSON.stringify({ value: "v".repeat(o.valueBytes), contentType: "text/plain" });
  if (op === "setSecret") {
    return (i) => ({ method: "PUT", path: `/secrets/bench-${i % o.names}`, body });
  }
  const spec = {
    getKey: { kty: "EC", crv: "P-256" },
    signRsa2048: { kty: "RSA", key_size: 2048 },
    signP256: { kty: "EC", crv: "P-256" },
  }[op];
  if (!spec) throw new Error(`unknown operation ${op}`);
  const created = await call(url, agent, "POST", `/keys/bench-${op}/create`, JSON.stringify(spec));
  const path = new URL(created.key.kid).pathname;
  if (op === "getKey") return () => ({ method: "GET", path, body: "" });
  const alg = op === "signRsa2048" ? "RS256" : "ES256";
  return () => ({
    method: "POST",
    path: `${path}/sign`,
    body: JSON.stringify({ alg, value: randomBytes(32).toString("base64url") }),
  });
}

/** Sends `count` requests, `concurrency` at a time, over keep-alive sockets; resolves to seconds taken. */
async function drive(url, agent, { count, concurrency, request, offset }) {
  let next = 0;
  let failures = 0;
  const one = (i) =>
    new Promise((resolve, reject) => {
      const { method, path, body } = request(offset + i);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: `${path}?api-version=2025-07-01`,
          headers: {
            authorization: "Bearer bench",
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          agent,
        },
        (res) => {
          if (res.statusCode !== 200) failures++;
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < count) await one(next++);
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (failures) throw new Error(`${failures} requests did not answer 200`);
  return seconds;
}

async function measure(op, mode, o) {
  const dir = mode === "sqlite" ? mkdtempSync(join(tmpdir(), "kv-bench-")) : null;
  const args = dir ? ["--data", join(dir, "bench.db")] : [];
  const { url, child } = await startEmulator(args);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const rows = [];
  try {
    const request = await operation(op, url, agent, o);
    let offset = 0;
    for (let run = 0; run < o.runs; run++) {
      await drive(url, agent, { count: o.warmup, concurrency: o.concurrency, request, offset });
      offset += o.warmup;
      const before = serverCpu(child.pid);
      const clientBefore = process.cpuUsage();
      const seconds = await drive(url, agent, { count: o.requests, concurrency: o.concurrency, request, offset });
      const client = process.cpuUsage(clientBefore);
      const after = serverCpu(child.pid);
      offset += o.requests;
      rows.push({
        op,
        mode,
        run: run + 1,
        requests: o.requests,
        seconds: +seconds.toFixed(3),
        "req/s": Math.round(o.requests / seconds),
        "server CPU µs/req": +((after.sched - before.sched) / 1e3 / o.requests).toFixed(2),
        "server CPU µs/req (stat)": +((after.stat - before.stat) / 1e3 / o.requests).toFixed(1),
        "client CPU µs/req": +((client.user + client.system) / o.requests).toFixed(1),
      });
    }
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const o = options(process.argv.slice(2));
console.log(
  `keyvault-emulator ${o.ops}: ${o.requests} requests per run after ${o.warmup} warm-up, ${o.concurrency} in flight, ` +
    `${o.valueBytes}-byte secret values over ${o.names} names, ${o.runs} runs per mode`,
);
const all = [];
for (const op of o.ops.split(",")) {
  for (const mode of o.modes.split(",")) all.push(...(await measure(op, mode, o)));
}
console.table(all);
for (const op of o.ops.split(",")) {
  for (const mode of o.modes.split(",")) {
    const rows = all.filter((r) => r.op === op && r.mode === mode);
    console.log(
      `${op} ${mode}: median ${median(rows.map((r) => r["req/s"]))} req/s, ` +
        `${median(rows.map((r) => r["server CPU µs/req"]))} µs server CPU per request`,
    );
  }
}
