// The packed tarball in a fresh project, bundled the ways apps ship it, each bundle running
// README.md's examples of every entry against an emulator of its own:
// - for Node, by esbuild (ES module and CommonJS output) and webpack: the bundle runs alone in an
//   empty folder (the `module` condition under `node` picks entries that carry their wasm);
// - for browsers, by esbuild, Rollup (+ node-resolve) and webpack, in headless Chromium: webpack
//   emits the .wasm files itself; for esbuild and Rollup the README's copy command puts them
//   beside the bundle;
// - a Cloudflare Worker under `wrangler dev --local` (workerd), with no configuration (the
//   `workerd` condition), running the main flow of every entry.
// Each test also reports its bundle's bytes (the .wasm files counted apart).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { build as esbuild } from "esbuild";
import { rollup } from "rollup";
import webpack from "webpack";
import { openBrowserPage } from "./browsers.mjs";
import {
  assertPrintsComments,
  codeBlocks,
  installPackedPackage,
  packageReadmeModules,
  repoFile,
  runtimeBinary,
  servePackageFiles,
  startEmulator,
} from "./helpers.mjs";

const app = repoFile("target/bundlers-app");
const modules = packageReadmeModules();
const run = promisify(execFile);

before(async () => {
  await installPackedPackage(app);
  modules.forEach((m) => writeFileSync(`${app}/readme-${m.index}.mjs`, m.source));
});

/** An emulator for one test (the README examples use fixed names, so each bundle gets a fresh vault). */
function withEmulator() {
  const vault = {};
  before(async () => Object.assign(vault, await startEmulator()));
  after(() => vault.stop?.());
  return vault;
}

/** The bytes of the JavaScript files in `dir` (and gzipped) and of its .wasm files, for the report. */
function bundleBytes(dir, t) {
  const files = readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile());
  const js = files.filter((f) => /\.(m?js|cjs)$/.test(f)).map((f) => readFileSync(join(dir, f)));
  const wasm = files.filter((f) => f.endsWith(".wasm")).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const sum = (bufs) => bufs.reduce((n, b) => n + b.length, 0);
  t.diagnostic(`bundle bytes: js ${sum(js)} (gzip ${sum(js.map((b) => gzipSync(b)))}), wasm files ${wasm}`);
}

/** The shell line of README.md that copies the .wasm files beside a bundle in `dist/`. */
function readmeCopyCommand() {
  const line = codeBlocks("README.md", ["sh"])
    .flatMap((b) => b.split("\n"))
    .find((l) => /^cp .*\.wasm .*dist\/$/.test(l));
  assert.ok(line, "README.md shows the command that copies the .wasm files beside the bundle");
  return line;
}

/** Bundles `readme-N.mjs` of every module with `bundle(entry, outDir)`, into `dir`. */
async function bundleEach(dir, bundle) {
  rmSync(dir, { recursive: true, force: true });
  for (const m of modules) await bundle(`${app}/readme-${m.index}.mjs`, dir, `readme-${m.index}`);
}

/** webpack's build as a promise; rejects with its errors, and with its warnings (an app's build should show none of ours). */
function webpackBuild(config) {
  return new Promise((resolve, reject) =>
    webpack({ mode: "production", context: app, experiments: { outputModule: true }, ...config }, (err, stats) => {
      if (err) return reject(err);
      const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
      if (errors.length || warnings.length) return reject(new Error([...errors, ...warnings].map((e) => e.message).join("\n")));
      resolve();
    }),
  );
}

const webpackOutput = (dir, name) => ({ path: dir, filename: `${name}.mjs`, module: true, chunkFormat: "module", library: { type: "module" } });

describe("bundled for Node: the bundle alone, in an empty folder", () => {
  const vault = withEmulator();
  const NODE_BUNDLERS = {
    "esbuild --platform=node --format=esm": async (entry, dir, name) => {
      const { warnings } = await esbuild({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile: `${dir}/${name}.mjs`, logLevel: "silent" });
      assert.deepEqual(warnings, []);
    },
    "webpack target node": (entry, dir, name) => webpackBuild({ entry, target: "node", output: webpackOutput(dir, name) }),
  };

  for (const [bundler, bundle] of Object.entries(NODE_BUNDLERS)) {
    test(`${bundler}: README modules print what their comments say`, async (t) => {
      const dir = join(app, `node-${bundler.split(" ")[0]}`);
      await bundleEach(dir, bundle);
      bundleBytes(dir, t);
      const alone = mkdtempSync(join(tmpdir(), "kv-bundle-"));
      try {
        for (const m of modules) {
          cpSync(`${dir}/readme-${m.index}.mjs`, `${alone}/readme-${m.index}.mjs`);
          const { stdout } = await run(process.execPath, [`readme-${m.index}.mjs`], { cwd: alone, env: { ...process.env, KEYVAULT_EMULATOR_URL: vault.url } });
          assertPrintsComments(m, stdout.replace(/\n$/, "").split("\n"));
        }
      } finally {
        rmSync(alone, { recursive: true, force: true });
      }
    });
  }

  test("esbuild --platform=node with CommonJS output (how Lambda and Functions apps ship): require() of each entry", async (t) => {
    const dir = join(app, "node-esbuild-cjs");
    writeFileSync(
      `${app}/cjs-app.cjs`,
      `const { KeyClient } = require("keyvault-keys-wasm");
const { SecretClient } = require("keyvault-keys-wasm/secrets");
const { KeyClient: KeysClient } = require("keyvault-keys-wasm/keys");
const vault = process.env.KEYVAULT_EMULATOR_URL;
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) };
(async () => {
  const root = await new KeyClient(vault, async () => "t", options).setKey("cjs-root", "root value");
  const secret = await new SecretClient(vault, credential, options).setSecret("cjs-secret", "secret value");
  const key = await new KeysClient(vault, credential, options).createRsaKey("cjs-key");
  console.log(root.value, "|", secret.value, "|", key.keyType);
})();
`,
    );
    const { warnings } = await esbuild({ entryPoints: [`${app}/cjs-app.cjs`], bundle: true, platform: "node", outfile: `${dir}/app.cjs`, logLevel: "silent" });
    assert.deepEqual(warnings, []);
    bundleBytes(dir, t);
    const alone = mkdtempSync(join(tmpdir(), "kv-bundle-"));
    try {
      cpSync(`${dir}/app.cjs`, `${alone}/app.cjs`);
      const { stdout } = await run(process.execPath, ["app.cjs"], { cwd: alone, env: { ...process.env, KEYVAULT_EMULATOR_URL: vault.url } });
      assert.equal(stdout.trim(), "root value | secret value | RSA");
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});

describe("bundled for browsers, in headless Chromium", () => {
  const vault = withEmulator();
  const BROWSER_BUNDLERS = {
    esbuild: async (entry, dir, name) => {
      const { warnings } = await esbuild({ entryPoints: [entry], bundle: true, format: "esm", minify: true, outfile: `${dir}/${name}.mjs`, logLevel: "silent" });
      assert.deepEqual(warnings, []);
    },
    "Rollup + node-resolve": async (entry, dir, name) => {
      const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], onwarn: (w) => assert.fail(`rollup: ${w.message}`) });
      await bundle.write({ file: `${dir}/${name}.mjs`, format: "es" });
    },
    webpack: (entry, dir, name) => webpackBuild({ entry, target: "web", output: webpackOutput(dir, name) }),
  };

  for (const [bundler, bundle] of Object.entries(BROWSER_BUNDLERS)) {
    test(`${bundler}: README modules print what their comments say`, async (t) => {
      const dir = join(app, `web-${bundler.split(" ")[0]}`);
      await bundleEach(dir, bundle);
      if (bundler !== "webpack") {
        // What the README tells esbuild and Rollup users to run, with `dist/` being this bundle's folder.
        await run("sh", ["-c", readmeCopyCommand().replace(/dist\/$/, `${dir}/`)], { cwd: app });
      }
      bundleBytes(dir, t);
      const server = await servePackageFiles("bundle", { root: dir });
      const page = await openBrowserPage("chromium", server.origin);
      try {
        for (const m of modules) {
          const logged = await page.run(
            async ({ url, file }) => {
              const lines = [];
              const log = console.log;
              console.log = (...args) => lines.push(args.map(String).join(" "));
              globalThis.process = { env: { KEYVAULT_EMULATOR_URL: url } };
              try {
                await import(file);
              } finally {
                console.log = log;
              }
              return lines;
            },
            { url: vault.url, file: `/readme-${m.index}.mjs` },
          );
          assertPrintsComments(m, logged);
        }
      } finally {
        await page.close();
        await server.close();
      }
    });
  }
});

/** A free TCP port on 127.0.0.1 (for wrangler dev, which takes its ports as flags). */
async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Worker that runs the main flow of every entry and answers what it got, as JSON. */
const WORKER = `import { KeyClient } from "keyvault-keys-wasm";
import { SecretClient } from "keyvault-keys-wasm/secrets";
import { CryptographyClient, KeyClient as KeysClient } from "keyvault-keys-wasm/keys";

export default {
  async fetch(request, env) {
    const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
    const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) };
    const root = new KeyClient(env.VAULT, async () => "t", options);
    await root.setKey("worker-value", "from a worker", { contentType: "text/plain" });
    const secrets = new SecretClient(env.VAULT, credential, options);
    await secrets.setSecret("worker-secret", "s3cr3t");
    const missing = await secrets.getSecret("never-set").catch((e) => e);
    const keys = new KeysClient(env.VAULT, credential, options);
    const key = await keys.createEcKey("worker-key", { curve: "P-256" });
    const data = new TextEncoder().encode("signed in the vault, verified in the worker");
    const signed = await keys.getCryptographyClient(key.name).signData("ES256", data);
    const verified = await new CryptographyClient(key.key).verifyData("ES256", data, signed.result);
    return Response.json([
      (await root.getKey("worker-value")).value,
      (await secrets.getSecret("worker-secret")).value,
      missing.statusCode,
      missing.code,
      key.keyType,
      verified.result,
    ]);
  },
};
`;

describe("a Cloudflare Worker under `wrangler dev --local` (workerd)", () => {
  const vault = withEmulator();
  let wrangler;
  after(() => wrangler?.kill());

  test("the main flow of every entry runs in the Worker", { timeout: 180_000 }, async (t) => {
    const dir = join(app, "worker");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(`${dir}/src`, { recursive: true });
    writeFileSync(`${dir}/src/index.mjs`, WORKER);
    writeFileSync(
      `${dir}/wrangler.toml`,
      `name = "smoke"\nmain = "src/index.mjs"\ncompatibility_date = "2026-11-01"\n[vars]\nVAULT = "${vault.url}"\n`,
    );
    // wrangler asks for Node 22 and this machine has Node 20: it runs under Deno (the npm
    // devDependency), whose Node compatibility it accepts.
    const deno = await runtimeBinary("deno");
    const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", XDG_CONFIG_HOME: `${dir}/.config` };
    const wranglerArgs = (...args) => ["run", "--allow-all", "--no-lock", repoFile("node_modules/wrangler/bin/wrangler.js"), ...args];
    // What wrangler uploads for this Worker (its bytes for the report; both planes' modules as wasm modules).
    await run(deno.bin, wranglerArgs("deploy", "--dry-run", "--outdir", "dist"), { cwd: dir, timeout: 120_000, env });
    bundleBytes(`${dir}/dist`, t);
    assert.equal(readdirSync(`${dir}/dist`).filter((f) => f.endsWith(".wasm")).length, 2, "wrangler took both planes' .wasm files as wasm modules");

    const [port, inspectorPort] = [await freePort(), await freePort()];
    let output = "";
    wrangler = spawn(deno.bin, wranglerArgs("dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)), { cwd: dir, env });
    const ready = new Promise((resolve, reject) => {
      const onData = (d) => {
        output += d;
        if (/Ready on http/.test(output)) resolve();
      };
      wrangler.stdout.on("data", onData);
      wrangler.stderr.on("data", onData);
      wrangler.on("exit", (code) => reject(new Error(`wrangler dev exited (${code}):\n${output}`)));
    });
    await ready;
    // wrangler answers 503 until workerd has the Worker loaded.
    let response, body;
    for (let i = 0; i < 40; i++) {
      response = await fetch(`http://127.0.0.1:${port}/`);
      body = await response.text();
      if (response.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(response.status, 200, `${body}\n${output}`);
    assert.deepEqual(JSON.parse(body), ["from a worker", "s3cr3t", 404, "SecretNotFound", "EC", true]);
  });
});
