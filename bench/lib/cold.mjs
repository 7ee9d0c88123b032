// A cold start: node -r ./bench/lib/exit-cpu.cjs bench/lib/cold.mjs CLIENT URL
// Imports the package, constructs the client and completes one set against the emulator, then
// exits. Ours: KeyClient.setKey (wasm compile and instantiate included, at import);
// official: @azure/keyvault-secrets SecretClient.setSecret; raw: one keep-alive node:http PUT
// with a bearer header (the floor: no challenge round trip, no client). Nothing else is imported, so the
// figure is the package's own cost (the same values as bench/lib/env.mjs, inlined). The CPU
// used so far is noted after each step (globalThis.__coldPhases, printed by exit-cpu.cjs).
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const phases = (globalThis.__coldPhases = { start: cpuMs() });
const [kind, url] = process.argv.slice(2);
const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const value = "v".repeat(100);

if (kind === "ours") {
  // The snapshot run.mjs made (an absolute path), or the package itself.
  const specifier = process.env.KV_BENCH_OURS ? `file://${encodeURI(process.env.KV_BENCH_OURS)}` : "keyvault-keys-wasm";
  const { KeyClient } = await import(specifier);
  phases.imported = cpuMs();
  const client = new KeyClient(url, credential, options);
  phases.constructed = cpuMs();
  await client.setKey("cold-start", value);
} else if (kind === "official") {
  const { SecretClient } = await import("@azure/keyvault-secrets");
  phases.imported = cpuMs();
  const client = new SecretClient(url, credential, options);
  phases.constructed = cpuMs();
  await client.setSecret("cold-start", value);
} else if (kind === "raw") {
  // The floor: what any Node client pays to send its first request (node:http, keep-alive).
  const { default: http } = await import("node:http");
  phases.imported = cpuMs();
  const agent = new http.Agent({ keepAlive: true });
  const body = JSON.stringify({ value });
  const { hostname, port } = new URL(url);
  phases.constructed = cpuMs();
  await new Promise((resolve, reject) => {
    const headers = { authorization: "Bearer bench-token", "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const path = "/secrets/cold-start?api-version=2025-07-01";
    const req = http.request({ host: hostname, port, method: "PUT", path, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))) : reject(new Error(`${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
} else {
  throw new Error(`unknown client ${kind}`);
}
phases.set = cpuMs();
// Keep-alive sockets would hold the process open; the measurement ends here either way.
process.exit(0);
