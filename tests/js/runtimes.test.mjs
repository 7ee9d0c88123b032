// The package under Bun and Deno (the npm `bun` and `deno` packages' binaries), installed from
// the packed tarball into a fresh project: each ```js example module of README.md that imports
// only this package (the root entry's guide flow, the /secrets and the /keys examples) runs as
// written against an emulator of its own, and prints what its `// comments` say.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { assertPrintsComments, installPackedPackage, packageReadmeModules, repoFile, runtimeBinary, startEmulator } from "./helpers.mjs";

const app = repoFile("target/runtimes-app");
const PACKAGE = "keyvault-keys-wasm";

/** How each runtime runs a module file of the app; `found` (its binary and version) is set in `before`. */
const RUNTIMES = {
  bun: { args: (file) => [file] },
  // The app's package.json and node_modules are used as they are (no registry, no lock file).
  deno: { args: (file) => ["run", "--allow-all", "--no-lock", file] },
};

const run = promisify(execFile);

const modules = packageReadmeModules();

/** Runs `file` of the app under `runtime`; resolves to its stdout lines (rejects on a non-zero exit, with its output). */
async function runIn(runtime, file, env) {
  const { found, args } = RUNTIMES[runtime];
  try {
    const { stdout } = await run(found.bin, args(file), {
      cwd: app,
      timeout: 120_000,
      env: { ...process.env, ...env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: `${app}/.deno` },
    });
    return stdout.replace(/\n$/, "").split("\n");
  } catch (e) {
    assert.fail(`${runtime} ${file}: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

before(async () => {
  await installPackedPackage(app);
  modules.forEach((m) => writeFileSync(`${app}/readme-${m.index}.mjs`, m.source));
  writeFileSync(
    `${app}/resolve.mjs`,
    `for (const e of ["${PACKAGE}", "${PACKAGE}/keys", "${PACKAGE}/secrets"]) console.log(import.meta.resolve(e).replace(/^.*\\/node_modules\\//, ""));\n`,
  );
});

test("the README has runnable examples for each entry", () => {
  const imported = new Set(modules.flatMap((m) => m.imports));
  assert.deepEqual([...imported].sort(), [PACKAGE, `${PACKAGE}/keys`, `${PACKAGE}/secrets`]);
});

for (const runtime of Object.keys(RUNTIMES)) {
  describe(runtime, { timeout: 300_000 }, () => {
    let emulator;
    before(async () => {
      RUNTIMES[runtime].found = await runtimeBinary(runtime);
      emulator = await startEmulator();
    });
    after(() => emulator?.stop());

    test(`the binary is the pinned devDependency's version`, () => {
      const { devDependencies } = JSON.parse(readFileSync(repoFile("package.json"), "utf8"));
      assert.equal(RUNTIMES[runtime].found.version, devDependencies[runtime]);
    });

    test("each entry resolves to its Node module (the `node` export condition)", async () => {
      assert.deepEqual(await runIn(runtime, "resolve.mjs"), [
        `${PACKAGE}/js/index.mjs`,
        `${PACKAGE}/js/keys-node.mjs`,
        `${PACKAGE}/js/secrets-node.mjs`,
      ]);
    });

    for (const m of modules) {
      test(`README module ${m.index} (${m.imports.join(", ")}) prints what its comments say`, async () => {
        assertPrintsComments(m, await runIn(runtime, `readme-${m.index}.mjs`, { KEYVAULT_EMULATOR_URL: emulator.url }));
      });
    }
  });
}
