// Browser bundle size: a tiny app per client, bundled by esbuild the way an app would be
// (bundle, minify, ESM, platform browser so our package resolves its "browser" export), plus
// every .wasm the bundle loads (esbuild leaves `new URL("x.wasm", import.meta.url)` alone: the
// file is found beside the module that names it and counted). gzip -9 and brotli quality 11.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { root } from "./env.mjs";

const token = `{ getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600000 }) }`;

/**
 * The keys app, the same source on either package: a KeyClient and its CryptographyClients, one
 * from getCryptographyClient (sign, at the service) and two from a KeyVaultKey (verifyData and
 * encrypt, which both clients may do locally with the public key).
 */
const keysApp = (specifier) => `import { CryptographyClient, KeyClient } from "${specifier}";
const credential = ${token};
const client = new KeyClient(location.origin, credential);
const data = new TextEncoder().encode("app");
(async () => {
  const key = await client.getKey("app-ec");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  const signed = await client.getCryptographyClient(key.name, { keyVersion: key.properties.version }).sign("ES256", digest);
  const verified = await new CryptographyClient(key, credential).verifyData("ES256", data, signed.result);
  const rsa = await client.getKey("app-rsa");
  const encrypted = await new CryptographyClient(rsa, credential).encrypt({ algorithm: "RSA-OAEP", plaintext: data });
  console.log(verified.result, encrypted.result);
})();`;

export const APPS = {
  ours: {
    label: "keyvault-keys-wasm KeyClient",
    source: `import { KeyClient } from "keyvault-keys-wasm";
const client = new KeyClient(location.origin, ${token});
client.setKey("app", "value").then((k) => client.getKey(k.name)).then((k) => console.log(k.value));`,
  },
  oursSecrets: {
    label: "keyvault-keys-wasm/secrets SecretClient",
    source: `import { SecretClient } from "keyvault-keys-wasm/secrets";
const client = new SecretClient(location.origin, ${token});
client.setSecret("app", "value").then((s) => client.getSecret(s.name)).then((s) => console.log(s.value));`,
  },
  officialKeys: {
    label: "@azure/keyvault-keys KeyClient",
    source: `import { KeyClient } from "@azure/keyvault-keys";
const client = new KeyClient(location.origin, ${token});
client.createKey("app", "RSA").then((k) => client.getKey(k.name)).then((k) => console.log(k.key));`,
  },
  oursKeys: {
    label: "keyvault-keys-wasm/keys KeyClient + CryptographyClient",
    source: keysApp("keyvault-keys-wasm/keys"),
  },
  officialKeysCrypto: {
    label: "@azure/keyvault-keys KeyClient + CryptographyClient",
    source: keysApp("@azure/keyvault-keys"),
  },
  officialSecrets: {
    label: "@azure/keyvault-secrets SecretClient",
    source: `import { SecretClient } from "@azure/keyvault-secrets";
const client = new SecretClient(location.origin, ${token});
client.setSecret("app", "value").then((s) => client.getSecret(s.name)).then((s) => console.log(s.value));`,
  },
};

/** gzip -9 size of `bytes`. */
export const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;

/**
 * { js: {raw,gzip,brotli}, wasm: {...}, total: {...}, wasmFiles, modules } for one app, its
 * imports resolved from `resolveDir` (a folder whose node_modules holds the package).
 */
export async function measureBundle(app, resolveDir = root) {
  const out = await build({
    absWorkingDir: root,
    stdin: { contents: APPS[app].source, resolveDir, sourcefile: `${app}-app.mjs`, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    outdir: "bench-bundle-out", // not written (write: false); esbuild needs a name for assets
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const js = out.outputFiles.filter((f) => f.path.endsWith(".js"));
  if (js.length !== 1) throw new Error(`expected one JS output for ${app}, got ${out.outputFiles.map((f) => f.path)}`);
  const code = js[0].contents;
  // Every .wasm the bundle names, found beside one of the modules that went into it.
  const inputDirs = [...new Set(Object.keys(out.metafile.inputs).map((p) => dirname(resolve(root, p))))];
  const wasmNames = [...new Set([...js[0].text.matchAll(/["'`]([\w./-]+\.wasm)["'`]/g)].map((m) => m[1]))];
  const wasmFiles = wasmNames.map((name) => {
    const path = inputDirs.map((d) => join(d, name)).find((p) => existsSync(p));
    if (!path) throw new Error(`${app}: the bundle loads ${name}, which is beside none of its modules`);
    return path;
  });
  const wasmBytes = wasmFiles.map((p) => readFileSync(p));
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const jsSize = { raw: code.length, gzip: gzip(code), brotli: brotli(code) };
  const wasmSize = {
    raw: sum(wasmBytes.map((b) => b.length)),
    gzip: sum(wasmBytes.map(gzip)),
    brotli: sum(wasmBytes.map(brotli)),
  };
  return {
    label: APPS[app].label,
    js: jsSize,
    wasm: wasmSize,
    total: { raw: jsSize.raw + wasmSize.raw, gzip: jsSize.gzip + wasmSize.gzip, brotli: jsSize.brotli + wasmSize.brotli },
    wasmFiles: wasmFiles.map((p) => p.split("/node_modules/keyvault-keys-wasm/")[1] ?? relative(root, p)),
    modules: Object.keys(out.metafile.inputs).length,
  };
}
