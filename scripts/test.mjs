// `npm test`: installs what the tests need, then runs every suite:
//   type pins (tsc), native Rust (core + emulator), then the node:test suites against the
//   emulator: the package in Node, in headless Chromium, Firefox and WebKit through its browser
//   entries, and under Bun and Deno (package, seed, README, lifecycle, transports, packed
//   tarball + Vite). A suite that runs zero tests is a failure, not a pass.
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

/** Sums "test result: ok. N passed" lines; fails on zero. */
function passed(label, output) {
  const n = [...output.matchAll(/test result: ok\. (\d+) passed/g)].reduce((a, m) => a + Number(m[1]), 0);
  if (n === 0) throw new Error(`${label}: no tests ran`);
  counts.push(`${label}: ${n} passed`);
}

ensureNpmPackages();
ensureToolchain({ browser: true });

step("type pins: tsc on tests/types (ES module declarations against the official ones; CommonJS ones under require)");
run("node", ["scripts/declarations.mjs", "--check"]);
run("npx", ["tsc", "-p", "tests/types/tsconfig.json"]);
run("npx", ["tsc", "-p", "tests/types/tsconfig.cjs.json"]);
counts.push("tsc tests/types: ok");

step("native tests: cargo test --workspace (the fuzz properties run 20,000 cases each)");
passed(
  "cargo test (core + emulator)",
  await runCapture("cargo", ["test", "--workspace"], { env: { ...process.env, PROPTEST_CASES: "20000" } }),
);

buildPackage();
buildEmulator();

const emulator = await startEmulator();
const env = { ...process.env, KEYVAULT_EMULATOR_URL: emulator.url };
try {
  step("JavaScript suites: node --test");
  const files = readdirSync("tests/js").filter((f) => f.endsWith(".test.mjs")).map((f) => `tests/js/${f}`);
  const out = await runCapture("node", ["--test", "--test-reporter=spec", ...files], { env });
  const m = /ℹ pass (\d+)/.exec(out);
  if (!m || Number(m[1]) === 0) throw new Error("node --test: no tests ran");
  counts.push(`node --test: ${m[1]} passed`);
} finally {
  emulator.stop();
}

step("summary");
for (const line of counts) console.log(line);
