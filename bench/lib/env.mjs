// Paths, prerequisites and the emulator process for the client benchmark (bench/run.mjs).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const benchFile = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const repoFile = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const emulatorBin = process.env.KEYVAULT_EMULATOR_BIN ?? repoFile("target/emulator/keyvault-emulator");

/** The binary startEmulator runs: emulatorBin, or the run's copy of it (useEmulatorBinary). */
let runBin = emulatorBin;
export const useEmulatorBinary = (path) => {
  runBin = path;
};

/** What must exist before a run; the bench builds nothing itself. */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(repoFile("pkg/node.cjs")) || !existsSync(repoFile("pkg/web/keyvault_secrets_bg.wasm"))) {
    missing.push("pkg/node.cjs and pkg/web/ (run `npm run build`)");
  }
  if (!existsSync(emulatorBin)) {
    missing.push(`${emulatorBin} (run \`cargo build --profile emulator -p keyvault-emulator\`)`);
  }
  for (const dep of ["@azure/keyvault-secrets", "@azure/keyvault-keys", "esbuild"]) {
    if (!existsSync(repoFile(`node_modules/${dep}/package.json`))) missing.push(`node_modules/${dep} (run \`npm install\`)`);
  }
  return missing;
}

/**
 * A copy of our package as it is now (package.json, js/, pkg/) under a temporary
 * node_modules/, and of the emulator binary, so one run measures one build even if
 * `npm run build` or `cargo build` runs meanwhile.
 * Resolves to { dir, pkgDir, nodeEntry, requireEntry, secretsEntry, keysEntry, emulator, remove() }:
 * workers import `nodeEntry` (the package's Node `import` export; `requireEntry` is its
 * `require` export; `secretsEntry` and `keysEntry` the Node `import` exports of `/secrets` and
 * `/keys`); the bundle resolves the package from `dir`.
 */
export function snapshotPackage() {
  const dir = mkdtempSync(join(tmpdir(), "kv-bench-"));
  const pkgDir = join(dir, "node_modules", "keyvault-keys-wasm");
  mkdirSync(pkgDir, { recursive: true });
  cpSync(repoFile("package.json"), join(pkgDir, "package.json"));
  cpSync(repoFile("js"), join(pkgDir, "js"), { recursive: true });
  cpSync(repoFile("pkg"), join(pkgDir, "pkg"), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const nodeEntry = join(pkgDir, manifest.exports["."].node.import.default);
  const requireEntry = join(pkgDir, manifest.exports["."].node.require.default);
  const secretsEntry = join(pkgDir, manifest.exports["./secrets"].node.import.default);
  const keysEntry = join(pkgDir, manifest.exports["./keys"].node.import.default);
  // The emulator too: `cargo build` may replace it during the run.
  const emulator = join(dir, "keyvault-emulator");
  cpSync(emulatorBin, emulator);
  return { dir, pkgDir, nodeEntry, requireEntry, secretsEntry, keysEntry, emulator, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where workers load our package from: the snapshot (KV_BENCH_OURS) or the repo itself. */
export const oursSpecifier = () =>
  process.env.KV_BENCH_OURS ? pathToFileURL(process.env.KV_BENCH_OURS).href : "keyvault-keys-wasm";
/** The same for the secrets drop-in entry (KV_BENCH_OURS_SECRETS). */
export const oursSecretsSpecifier = () =>
  process.env.KV_BENCH_OURS_SECRETS ? pathToFileURL(process.env.KV_BENCH_OURS_SECRETS).href : "keyvault-keys-wasm/secrets";
/** The same for the keys drop-in entry (KV_BENCH_OURS_KEYS). */
export const oursKeysSpecifier = () =>
  process.env.KV_BENCH_OURS_KEYS ? pathToFileURL(process.env.KV_BENCH_OURS_KEYS).href : "keyvault-keys-wasm/keys";

/**
 * A fresh emulator (in-memory state) in its own process. Resolves to { url, pid, stop() };
 * stop() resolves once it has exited.
 */
export function startEmulator(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(runBin, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((r) => child.once("exit", r));
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (\S+)$/.exec(line);
      if (!m) {
        child.kill("SIGKILL");
        return reject(new Error(`unexpected first line from the emulator: ${line}`));
      }
      child.stdout.resume();
      resolve({
        url: m[1],
        pid: child.pid,
        async stop() {
          process.removeListener("exit", kill);
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/** The same options for our client and the official SDK: an http:// emulator on 127.0.0.1. */
export const clientOptions = Object.freeze({
  allowInsecureConnection: true,
  disableChallengeResourceVerification: true,
});

/** One TokenCredential shape for every client, so token handling costs the same to produce. */
export const credential = Object.freeze({
  getToken: async () => ({ token: "bench-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** The api-version our client sends by default; the raw floor sends the same. */
export const API_VERSION = "2025-07-01";

/** The key the keys shapes read and sign with: EC P-256, so the emulator's signature is cheap. */
export const KEY_SPEC = Object.freeze({ kty: "EC", curve: "P-256", alg: "ES256" });

/** Every set stores this value (100 bytes), as bench/emulator-throughput.mjs does. */
export const VALUE = "v".repeat(100);
