// The package under Bun and Deno (the npm `bun` and `deno` packages' binaries), installed from
// the packed tarball into a fresh project: each ```js example module of README.md that imports
// only this package (the root entry's guide flow, the /secrets and the /keys examples) runs as
// written against an emulator of its own, and prints what its `// comments` say.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { installPackedPackage, markdownModules, repoFile, startEmulator } from "./helpers.mjs";

const app = repoFile("target/runtimes-app");
const PACKAGE = "keyvault-keys-wasm";

/** How each runtime runs a module file of the app; `found` (its binary and version) is set in `before`. */
const RUNTIMES = {
  bun: { scope: "@oven", binary: "bin/bun", args: (file) => [file] },
  // The app's package.json and node_modules are used as they are (no registry, no lock file).
  deno: { scope: "@deno", binary: "deno", args: (file) => ["run", "--allow-all", "--no-lock", file] },
};

const run = promisify(execFile);

/**
 * The runtime's binary as the npm package installed it: node_modules/.bin/NAME (what its
 * postinstall links), else the platform package's own binary (when install scripts did not
 * run, .bin/bun is a placeholder that exits with an error). Resolves to { bin, version }.
 */
async function findRuntime(name) {
  const { scope, binary } = RUNTIMES[name];
  const scopeDir = repoFile(`node_modules/${scope}`);
  const candidates = [
    repoFile(`node_modules/.bin/${name}`),
    ...(existsSync(scopeDir) ? readdirSync(scopeDir).map((p) => `${scopeDir}/${p}/${binary}`).filter(existsSync) : []),
  ];
  const tried = [];
  for (const bin of candidates) {
    try {
      const { stdout } = await run(bin, ["--version"], { timeout: 30_000 });
      return { bin, version: /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] };
    } catch (e) {
      tried.push(`${bin}: ${e.message.split("\n")[0]}`);
    }
  }
  assert.fail(`no working ${name} binary (npm devDependency \`${name}\`):\n${tried.join("\n")}`);
}

/** README modules whose every import is an entry of this package. */
const modules = markdownModules("README.md")
  .map((m, i) => ({ ...m, index: i + 1, imports: [...m.source.matchAll(/^import [^;]*? from "([^"]+)";?$/gm)].map((x) => x[1]) }))
  .filter((m) => m.imports.length > 0 && m.imports.every((s) => s === PACKAGE || s.startsWith(`${PACKAGE}/`)));

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
      RUNTIMES[runtime].found = await findRuntime(runtime);
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
        const logged = await runIn(runtime, `readme-${m.index}.mjs`, { KEYVAULT_EMULATOR_URL: emulator.url });
        assert.equal(logged.length, m.expected.length, `every console.log ran once:\n${logged.join("\n")}`);
        m.expected.forEach((want, j) => {
          if (want !== undefined) assert.equal(logged[j], want, `console.log #${j + 1}`);
        });
        assert.ok(m.expected.some((e) => e !== undefined), "the module checks what it prints");
      });
    }
  });
}
