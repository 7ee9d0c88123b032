// `npm run build`: one wasm module per plane and its web glue (wasm-pack), then the Node
// CommonJS bundle. pkg/web serves the secrets plane (the root entry and /secrets), pkg/keys the
// keys plane (/keys): each entry carries only its plane's code.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { root, run } from "./lib.mjs";

const profile = process.argv.includes("--dev") ? "--dev" : "--release";
for (const [dir, feature] of [["web", "secrets"], ["keys", "keys"]]) {
  // Each plane's files have their own names (keyvault_secrets_bg.wasm, keyvault_keys_bg.wasm),
  // so an app bundled by a tool that does not emit the .wasm can copy both beside its bundle.
  run("wasm-pack", [
    "build", profile, "--target", "web", "--out-dir", `pkg/${dir}`, "--out-name", `keyvault_${feature}`, "--no-pack", "--mode", "no-install",
    "--", "--no-default-features", "--features", feature,
  ]);
  // wasm-pack leaves a `*` .gitignore, which would also hide the files from `npm pack`.
  rmSync(join(root, "pkg", dir, ".gitignore"), { force: true });
  // The module as base64 text, for the entries that tools bundling an app for Node pick up
  // (js/wasm-node-bundler.mjs): a bundle that carries its wasm needs no file beside it.
  const wasm = readFileSync(join(root, "pkg", dir, `keyvault_${feature}_bg.wasm`));
  writeFileSync(join(root, "pkg", dir, `keyvault_${feature}_bg.base64.mjs`), `export default "${wasm.toString("base64")}";\n`);
}

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Less text to parse at startup; names of functions and classes are kept for stack traces.
  minify: true,
  keepNames: true,
  logLevel: "warning",
  // The glue's fetch-based loader (unused in Node: the bundle passes the bytes) mentions import.meta.
  logOverride: { "empty-import-meta": "silent" },
};
await build({ ...common, entryPoints: [join(root, "js", "node.mjs")], outfile: join(root, "pkg", "node.cjs") });
// The /keys entry: its own bundle, whose error classes are pkg/node.cjs's.
const shared = {
  name: "shared-with-node-cjs",
  setup(b) {
    b.onResolve({ filter: /^\.\/(errors|rest-error)\.mjs$/ }, () => ({ path: "./node.cjs", external: true }));
  },
};
await build({ ...common, entryPoints: [join(root, "js", "node-keys.mjs")], outfile: join(root, "pkg", "keys.cjs"), plugins: [shared] });
console.log("built pkg/web, pkg/keys, pkg/node.cjs and pkg/keys.cjs");
