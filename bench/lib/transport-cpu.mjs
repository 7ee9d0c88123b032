// Client CPU per request of the two Node transports, alone: js/node-http.mjs (node:http with a
// keep-alive Agent) and js/node-socket.mjs (HTTP/1.1 on node:net). GETs with 64 in flight
// against a node:http keep-alive server in a child process, so process.cpuUsage() here is the
// client's only. Rounds alternate between the transports to spread the machine's noise.
//
//   node bench/lib/transport-cpu.mjs [--requests 5000] [--concurrency 64] [--rounds 3]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { nodeHttpClient } from "../../js/node-http.mjs";
import { nodeSocketClient } from "../../js/node-socket.mjs";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "1000" },
  },
});
const N = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);

// A vault-like answer: a secret bundle of a few hundred bytes with the service's usual headers.
const SERVER = `
const http = require("node:http");
const body = JSON.stringify({
  value: "x".repeat(100),
  id: "https://myvault.vault.azure.net/secrets/name/0123456789abcdef0123456789abcdef",
  attributes: { enabled: true, created: 1700000000, updated: 1700000000, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 },
  tags: {},
});
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-cache",
    "x-ms-request-id": "3f0f5a8e-5b0e-4a8e-9c4f-2f6b3a1d9e77",
    "x-ms-keyvault-service-version": "1.9.1.0",
    "x-ms-keyvault-region": "westeurope",
    "strict-transport-security": "max-age=31536000;includeSubDomains",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
process.on("exit", () => child.kill());
const [port] = await once(createInterface({ input: child.stdout }), "line");
const url = `http://127.0.0.1:${port}/secrets/name?api-version=7.5`;
const token = `Bearer ${"e".repeat(1400)}`;

/** `count` GETs, `CONCURRENCY` at a time, each with the fresh headers object the client builds. */
async function run(client, count) {
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        const res = await client.sendRequest({
          method: "GET",
          url,
          headers: {
            accept: "application/json",
            authorization: token,
            "user-agent": "keyvault-keys-wasm/0.1.0 Node/v20",
            "x-ms-client-request-id": "3f0f5a8e-5b0e-4a8e-9c4f-2f6b3a1d9e77",
          },
          body: undefined,
          abortSignal: undefined,
        });
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        bytes += res.bodyAsText.length;
      }
    }),
  );
  return bytes;
}

const clients = [
  ["node-http (node:http + Agent)", nodeHttpClient],
  ["node-socket (node:net)", nodeSocketClient],
];
for (const [, client] of clients) await run(client, WARMUP);

const results = new Map(clients.map(([name]) => [name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, client] of round % 2 ? clients : [...clients].reverse()) {
    const start = process.cpuUsage();
    const t0 = performance.now();
    await run(client, N);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(start);
    const us = (cpu.user + cpu.system) / N;
    results.get(name).push(us);
    console.log(`round ${round}  ${name.padEnd(30)} ${us.toFixed(1).padStart(6)} µs CPU/req  ${Math.round((N / ms) * 1000)} req/s`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [http, socket] = clients.map(([name]) => median(results.get(name)));
console.log(`\nmedian client CPU µs/req: node-http ${http.toFixed(1)}, node-socket ${socket.toFixed(1)} (${(socket / http).toFixed(2)}x)`);
child.kill();
