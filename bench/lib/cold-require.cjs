// A cold start through the CommonJS entry: node -r ./bench/lib/exit-cpu.cjs bench/lib/cold-require.cjs URL
// As bench/lib/cold.mjs for our client, but `require()` (the package's "node.require" export, or
// the snapshot's, KV_BENCH_OURS_CJS) instead of `import`: the same code without Node's ESM
// loader in front of it.
"use strict";
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const phases = (globalThis.__coldPhases = { start: cpuMs() });
const url = process.argv[2];
const credential = { getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const { KeyClient } = require(process.env.KV_BENCH_OURS_CJS ?? "keyvault-keys-wasm");
phases.imported = cpuMs();
const client = new KeyClient(url, credential, options);
phases.constructed = cpuMs();
client.setKey("cold-start", "v".repeat(100)).then(
  () => {
    phases.set = cpuMs();
    process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
