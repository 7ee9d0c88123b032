// Shared by the project's scripts: running commands, the toolchain, the emulator.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const emulatorBin = join(root, "target", "emulator", "keyvault-emulator");

export function step(message) {
  console.log(`\n== ${message}`);
}

/** Runs a command with inherited output; throws when it fails. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  return r;
}

/** Runs a command, shows its output, and also returns it (for checking test counts). */
export function runCapture(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], ...options });
    let out = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (d) => {
        out += d;
        process.stdout.write(d);
      });
    }
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} failed (exit ${code})`)),
    );
  });
}

/** npm packages, when package-lock.json is newer than the last install. */
export function ensureNpmPackages() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  step("npm packages");
  try {
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  } catch {
    // Another npm major can read the lock differently ("Missing from lock file"): resolve once.
    step("npm ci failed; npm install instead");
    run("npm", ["install", "--no-audit", "--no-fund"]);
  }
}

/** Rust target, wasm-bindgen-cli (Cargo.lock's version), wasm-pack, wasm-opt, chromium. */
export function ensureToolchain({ browser = true } = {}) {
  step("toolchain (skips what is installed)");
  run("bash", ["scripts/setup-toolchain.sh", "."], {
    env: { ...process.env, WITH_CHROMIUM: browser ? "1" : "0" },
  });
}

export function buildEmulator() {
  step("build the emulator");
  run("cargo", ["build", "--profile", "emulator", "-p", "keyvault-emulator"]);
}

export function buildPackage() {
  step("build the package (wasm-pack + esbuild)");
  run("node", ["scripts/build.mjs"]);
}

/** Starts the emulator on a free port; resolves to { url, stop() }. */
export function startEmulator(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(emulatorBin, ["--host", "127.0.0.1", "--port", "0", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error("the emulator did not start within 20 s")), 20_000);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the emulator exited (${code}) before it was listening`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const m = /^keyvault-emulator listening on (http:\/\/\S+)$/.exec(line);
      if (!m) return reject(new Error(`unexpected first line from the emulator: ${line}`));
      child.removeAllListeners("exit");
      lines.on("line", () => {});
      resolve({
        url: m[1],
        stop() {
          child.kill("SIGTERM");
        },
      });
    });
  });
}

export function cargoLockVersion(name) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  const m = new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock);
  return m?.[1];
}
