// `npm test`: installs what the tests need, then runs every suite:
//   type pins (tsc), native Rust (core + emulator), then the node:test suites against the
//   emulator: the package in Node, in headless Chromium, Firefox and WebKit through its browser
//   entries, under Bun and Deno, bundled by esbuild, Rollup and webpack, and in a Cloudflare
//   Worker (package, seed, README, lifecycle, transports, packed tarball + Vite). A suite that
//   runs zero tests is a failure, not a pass. The summary gives each suite's time.
//   KEYVAULT_TEST_BROWSERS=chromium (a comma list) limits the browser suites to those browsers.
import { readdirSync } from "node:fs";
import {
  buildEmulator,
  buildPackage,
  ensureNpmPackages,
  ensureToolchain,
  run,
  runCapture,
  startEmulator,
  step,
} from "./lib.mjs";

const counts = [];
const timings = [];

/** Runs `fn` and records how long it took under `label`, for the summary (CI time per suite). */
async function timed(label, fn) {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings.push(`${label}: ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
}

/** Sums "test result: ok. N passed" lines; fails on zero. */
function passed(label, output) {
  const n = [...output.matchAll(/test result: ok\. (\d+) passed/g)].reduce((a, m) => a + Number(m[1]), 0);
  if (n === 0) throw new Error(`${label}: no tests ran`);
  counts.push(`${label}: ${n} passed`);
}

await timed("install (npm, toolchain)", () => {
  ensureNpmPackages();
  ensureToolchain({ browser: true });
});

await timed("type pins (tsc)", () => {
  step("type pins: tsc on tests/types (ES module declarations against the official ones; CommonJS ones under require)");
  run("node", ["scripts/declarations.mjs", "--check"]);
  run("npx", ["tsc", "-p", "tests/types/tsconfig.json"]);
  run("npx", ["tsc", "-p", "tests/types/tsconfig.cjs.json"]);
  counts.push("tsc tests/types: ok");
});

await timed("cargo test (with its build)", async () => {
  step("native tests: cargo test --workspace (the fuzz properties run 20,000 cases each)");
  passed(
    "cargo test (core + emulator)",
    await runCapture("cargo", ["test", "--workspace"], { env: { ...process.env, PROPTEST_CASES: "20000" } }),
  );
});

await timed("build (wasm, bundles, emulator)", () => {
  buildPackage();
  buildEmulator();
});

const emulator = await startEmulator();
const env = { ...process.env, KEYVAULT_EMULATOR_URL: emulator.url };
try {
  // One `node --test` per file, one after another (as a single run does on this 2-core machine),
  // so the summary can say what each suite costs.
  step("JavaScript suites: node --test, file by file");
  const files = readdirSync("tests/js").filter((f) => f.endsWith(".test.mjs")).map((f) => `tests/js/${f}`);
  let total = 0;
  const failed = [];
  for (const file of files) {
    await timed(file, async () => {
      try {
        const m = /ℹ pass (\d+)/.exec(await runCapture("node", ["--test", "--test-reporter=spec", file], { env }));
        if (!m || Number(m[1]) === 0) failed.push(`${file}: no tests ran`);
        else total += Number(m[1]);
      } catch (e) {
        failed.push(`${file}: ${e.message}`);
      }
    });
  }
  if (failed.length) throw new Error(`JavaScript suites failed:\n${failed.join("\n")}`);
  counts.push(`node --test: ${total} passed in ${files.length} files`);
} finally {
  emulator.stop();
}

step("summary");
for (const line of counts) console.log(line);
console.log("time per suite:");
for (const line of timings) console.log(`  ${line}`);
