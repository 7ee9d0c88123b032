// The soak scenario of tests/js/soak.test.mjs for both clients, each with its default
// settings: 1,500 sets at 64 in flight against an emulator failing 20% of requests (429/503 with
// no Retry-After, as the real service sends them) and dropping 5% of connections.
//   node bench/soak.mjs        (after `npm run build` and the emulator build)
import { SecretClient } from "@azure/keyvault-secrets";
import { KeyClient } from "keyvault-keys-wasm";
import { pool, startEmulator } from "../tests/js/helpers.mjs";

const CALLS = 1_500;
const IN_FLIGHT = 64;
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const args = ["--fault-rate", "0.2", "--fault-statuses", "429,503", "--drop-rate", "0.05", "--seed", "1500"];

async function run(label, makeClient, set) {
  const emulator = await startEmulator(args);
  try {
    const client = makeClient(emulator.url);
    const started = Date.now();
    const results = await pool(CALLS, IN_FLIGHT, (i) => set(client, `soak-${i % 100}`, `value-${i}`));
    const ok = results.filter((r) => r.ok).length;
    const errors = {};
    for (const r of results.filter((r) => !r.ok)) {
      const key = `${r.error.name} ${r.error.statusCode ?? r.error.code ?? ""}`.trim();
      errors[key] = (errors[key] ?? 0) + 1;
    }
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
    console.log(
      `${label.padEnd(34)} ${String(ok).padStart(5)}/${CALLS} succeeded (${((100 * ok) / CALLS).toFixed(1)}%)  ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s  faults ${stats.faults} drops ${stats.dropped}  failures ${JSON.stringify(errors)}`,
    );
  } finally {
    await emulator.stop();
  }
}

const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
await run("keyvault-keys-wasm setKey", (url) => new KeyClient(url, credential, options), (c, n, v) => c.setKey(n, v));
await run("@azure/keyvault-secrets setSecret", (url) => new SecretClient(url, credential, options), (c, n, v) => c.setSecret(n, v));
