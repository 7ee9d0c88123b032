// Test helpers: the emulator URL, clients pointed at it, code blocks from Markdown files.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoFile = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The emulator binary: KEYVAULT_EMULATOR_BIN, or the one `npm test` builds. */
const emulatorBin = process.env.KEYVAULT_EMULATOR_BIN ?? repoFile("target/emulator/keyvault-emulator");

let started;

/** The emulator `npm test` started (KEYVAULT_EMULATOR_URL), or one started here for this file. */
export async function emulatorUrl() {
  if (process.env.KEYVAULT_EMULATOR_URL) return process.env.KEYVAULT_EMULATOR_URL;
  started ??= new Promise((resolve, reject) => {
    const child = spawn(emulatorBin, ["--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.on("error", reject);
    process.on("exit", () => child.kill());
    createInterface({ input: child.stdout }).once("line", (line) => {
      // From here on it must not keep the test process alive; it is killed on exit.
      child.unref();
      child.stdout.destroy();
      const m = /listening on (\S+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(line));
    });
  });
  return started;
}

/**
 * A separate emulator for one test file, with its own flags (faults, data file, ...).
 * Resolves to { url, child, stop() }; stop() resolves when the process has exited.
 */
export function startEmulator(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(emulatorBin, ["--port", "0", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.on("error", reject);
    const exited = new Promise((r) => child.on("exit", r));
    process.on("exit", () => child.kill("SIGKILL"));
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (\S+)$/.exec(line);
      if (!m) return reject(new Error(line));
      resolve({
        url: m[1],
        child,
        stop(signal = "SIGTERM") {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

export const emulatorOptions = Object.freeze({
  allowInsecureConnection: true,
  disableChallengeResourceVerification: true,
});

export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Fenced code blocks of a Markdown file whose info string is one of `langs`, in order. */
export function codeBlocks(path, langs = ["js", "javascript"]) {
  const text = readFileSync(repoFile(path), "utf8");
  const blocks = [];
  const re = /^```(\S*)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m; (m = re.exec(text)); ) {
    if (langs.includes(m[1])) blocks.push(m[2]);
  }
  return blocks;
}

/** Runs `count` calls of `fn(i)` with at most `limit` in flight; returns results in order. */
export async function pool(count, limit, fn) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await fn(i).then(
          (value) => ({ ok: true, value }),
          (error) => ({ ok: false, error }),
        );
      }
    }),
  );
  return results;
}
