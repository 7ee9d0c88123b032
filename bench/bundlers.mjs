// Bundle bytes per bundler: each of our apps (bench/lib/bundle.mjs APPS) bundled, minified, the
// way an app would be by esbuild (browser, and node: the wasm inlined), Rollup + node-resolve
// (minified by esbuild's transform: Rollup has no minifier of its own) and webpack 5
// (production). The .wasm files a browser bundle fetches are counted apart. Bytes, not time:
// `node bench/bundlers.mjs` (after `npm run build`) prints a Markdown table.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { build, transform } from "esbuild";
import { rollup } from "rollup";
import webpack from "webpack";
import { APPS, gzip } from "./lib/bundle.mjs";
import { root } from "./lib/env.mjs";

const APP_NAMES = ["ours", "oursSecrets", "oursKeys"];

const BUNDLERS = {
  "esbuild (browser)": (entry, out) =>
    build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "browser", outfile: `${out}/app.mjs`, logLevel: "error" }),
  "Rollup + node-resolve (browser)": async (entry, out) => {
    const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], onwarn: () => {} });
    const { output } = await bundle.generate({ format: "es" });
    writeFileSync(`${out}/app.mjs`, (await transform(output[0].code, { minify: true, format: "esm" })).code);
  },
  "webpack 5 (browser)": (entry, out) =>
    new Promise((resolve, reject) =>
      webpack(
        {
          mode: "production",
          context: root,
          entry,
          target: "web",
          experiments: { outputModule: true },
          output: { path: out, filename: "app.mjs", module: true, chunkFormat: "module", library: { type: "module" } },
        },
        (err, stats) => (err || stats.hasErrors() ? reject(err ?? new Error(stats.toString("errors-only"))) : resolve()),
      ),
    ),
  "esbuild --platform=node (wasm inlined)": (entry, out) =>
    build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "node", outfile: `${out}/app.mjs`, logLevel: "error" }),
};

// The packed package installed in a fresh folder, as an app has it.
const appDir = join(root, "target", "bench-bundlers");
rmSync(appDir, { recursive: true, force: true });
mkdirSync(appDir, { recursive: true });
const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", appDir], { cwd: root, encoding: "utf8" }).trim().split("\n").at(-1);
writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", `./${tarball}`], { cwd: appDir, stdio: "ignore" });

const kb = (n) => (n / 1024).toFixed(1);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const rows = [];
for (const app of APP_NAMES) {
  for (const [bundler, bundle] of Object.entries(BUNDLERS)) {
    const dir = join(appDir, "work");
    mkdirSync(dir, { recursive: true });
    try {
      // The app's source reads `location.origin`; Node bundles only need it to bundle, not to run.
      const entry = join(dir, "app-src.mjs");
      writeFileSync(entry, APPS[app].source);
      const out = join(dir, "out");
      mkdirSync(out, { recursive: true });
      await bundle(entry, out);
      const js = readFileSync(join(out, "app.mjs"));
      // webpack emits the .wasm files it found; esbuild and Rollup leave them to be copied (the
      // README's cp line); a Node bundle carries its module inlined.
      const emitted = readdirSync(out).filter((f) => f.endsWith(".wasm"));
      const wasmFiles = bundler.includes("inlined")
        ? []
        : emitted.length > 0
          ? emitted.map((f) => join(out, f))
          : [...new Set([...js.toString().matchAll(/["'`](keyvault_\w+_bg\.wasm)["'`]/g)].map((m) => m[1]))].map((name) =>
              join(root, "pkg", name.startsWith("keyvault_keys") ? "keys" : "web", name),
            );
      const wasm = wasmFiles.map((p) => readFileSync(p));
      const jsSize = { raw: js.length, gzip: gzip(js) };
      const wasmSize = { raw: sum(wasm.map((b) => b.length)), gzip: sum(wasm.map(gzip)) };
      const cell = ({ raw, gzip }) => `${kb(raw)} / ${kb(gzip)}`;
      rows.push([
        APPS[app].label,
        bundler,
        cell(jsSize),
        wasm.length === 0 ? "in the JS" : cell(wasmSize),
        cell({ raw: jsSize.raw + wasmSize.raw, gzip: jsSize.gzip + wasmSize.gzip }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log("| app | bundler | JS KiB (gzip) | .wasm KiB (gzip) | total KiB (gzip) |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
