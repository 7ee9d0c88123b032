// The packed tarball, installed into a fresh project the way users get it: Node ESM and CJS,
// and a Vite app (build + preview, and the dev server) in headless Chromium, with no plugin;
// the root entry, keyvault-keys-wasm/keys and keyvault-keys-wasm/secrets side by side.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { emulatorUrl, repoFile } from "./helpers.mjs";

const app = repoFile("target/packaging-app");
const vite = repoFile("node_modules/vite/bin/vite.js");
let vault, browser, tarball;

before(async () => {
  vault = await emulatorUrl();
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", app], { cwd: repoFile("") })
    .toString()
    .trim()
    .split("\n")
    .at(-1);
  writeFileSync(`${app}/package.json`, JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", `./${tarball}`], { cwd: app, stdio: "ignore" });
  writeFileSync(`${app}/index.html`, '<!doctype html><title>loading</title><script type="module" src="/main.js"></script>');
  writeFileSync(
    `${app}/main.js`,
    'import { KeyClient, KeyVaultError } from "keyvault-keys-wasm";\n' +
      'import { SecretClient, isRestError } from "keyvault-keys-wasm/secrets";\n' +
      'import { KeyClient as CryptoKeyClient, CryptographyClient } from "keyvault-keys-wasm/keys";\n' +
      "Object.assign(window, { KeyClient, KeyVaultError, SecretClient, isRestError, CryptoKeyClient, CryptographyClient });\n" +
      "document.title = 'ready';\n",
  );
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
});

test("installed tarball: ESM import and CJS require in Node", () => {
  const script = (code, type) =>
    execFileSync("node", [`--input-type=${type}`, "-e", code], { cwd: app, env: { ...process.env, VAULT: vault } }).toString();
  const esm = `import { KeyClient } from "keyvault-keys-wasm";
    const c = new KeyClient(process.env.VAULT, () => "t", { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    console.log((await c.setKey("pack-esm", "esm ok")).value);`;
  const cjs = `const { KeyClient } = require("keyvault-keys-wasm");
    const c = new KeyClient(process.env.VAULT, () => "t", { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    c.setKey("pack-cjs", "cjs ok").then((k) => console.log(k.value));`;
  assert.equal(script(esm, "module").trim(), "esm ok");
  assert.equal(script(cjs, "commonjs").trim(), "cjs ok");
  const secretsEsm = `import { SecretClient } from "keyvault-keys-wasm/secrets";
    const c = new SecretClient(process.env.VAULT, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    console.log((await c.setSecret("pack-secrets-esm", "secrets esm ok")).value);`;
  const secretsCjs = `const { SecretClient, isRestError } = require("keyvault-keys-wasm/secrets");
    const c = new SecretClient(process.env.VAULT, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    c.getSecret("pack-never-set").catch((e) => console.log(isRestError(e), e.statusCode));`;
  assert.equal(script(secretsEsm, "module").trim(), "secrets esm ok");
  assert.equal(script(secretsCjs, "commonjs").trim(), "true 404");
  const keysEsm = `import { KeyClient, CryptographyClient } from "keyvault-keys-wasm/keys";
    const c = new KeyClient(process.env.VAULT, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    const key = await c.createEcKey("pack-keys-esm", { curve: "P-256" });
    const data = new TextEncoder().encode("signed");
    const signed = await c.getCryptographyClient(key.name).signData("ES256", data);
    console.log(key.keyType, (await new CryptographyClient(key.key).verifyData("ES256", data, signed.result)).result);`;
  const keysCjs = `const { KeyClient, KnownKeyTypes } = require("keyvault-keys-wasm/keys");
    const c = new KeyClient(process.env.VAULT, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
    c.getKey("pack-never-made").catch((e) => console.log(KnownKeyTypes.EC, e.name, e.statusCode));`;
  assert.equal(script(keysEsm, "module").trim(), "EC true");
  assert.equal(script(keysCjs, "commonjs").trim(), "EC RestError 404");
  // The entries throw the same error classes.
  const shared = `const k = require("keyvault-keys-wasm/keys"), s = require("keyvault-keys-wasm/secrets");
    console.log(k.RestError === s.RestError, k.isRestError === s.isRestError);`;
  assert.equal(script(shared, "commonjs").trim(), "true true");
  // Each entry shows its own names only.
  const names = `console.log(["keyvault-keys-wasm", "keyvault-keys-wasm/keys", "keyvault-keys-wasm/secrets"].map((e) => Object.keys(require(e)).sort().join(",")).join("\\n"))`;
  assert.deepEqual(script(names, "commonjs").trim().split("\n"), [
    "AbortError,AuthenticationError,KeyClient,KeyVaultError,PollerStoppedError,ready",
    "CryptographyClient,KeyClient,KnownDeletionRecoveryLevel,KnownEncryptionAlgorithms,KnownKeyCurveNames,KnownKeyExportEncryptionAlgorithm,KnownKeyOperations,KnownKeyTypes,KnownSignatureAlgorithms,RestError,isRestError,logger,parseKeyVaultKeyIdentifier,ready",
    "KnownContentType,KnownDeletionRecoveryLevel,RestError,SecretClient,isRestError,logger,parseKeyVaultSecretIdentifier,ready",
  ]);
});

test("the tarball's types resolve in every mode (attw) and its package.json is sound (publint --strict)", () => {
  // Both exit non-zero on any problem; their reports are the failure's message.
  const lint = (bin, args) => {
    try {
      return execFileSync(process.execPath, [repoFile(`node_modules/${bin}`), ...args], { cwd: app, encoding: "utf8" });
    } catch (e) {
      assert.fail(`${args.join(" ")}:\n${e.stdout}${e.stderr}`);
    }
  };
  assert.match(lint("@arethetypeswrong/cli/dist/index.js", [tarball]), /No problems found/);
  assert.match(lint("publint/src/cli.js", ["--strict", tarball]), /All good/);
});

/** Starts `vite <args>` in the app and resolves to its local URL. */
function startVite(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, ...args, "--host", "127.0.0.1", "--port", "0"], { cwd: app });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ""));
      if (m) resolve({ url: m[1], stop: () => child.kill() });
    });
    child.on("exit", (code) => reject(new Error(`vite ${args.join(" ")} exited (${code}): ${out}`)));
  });
}

async function roundTripIn(url) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.title === "ready", null, { timeout: 20_000 });
    return await page.evaluate(async (vaultUrl) => {
      const client = new window.KeyClient(vaultUrl, async () => "t", {
        allowInsecureConnection: true,
        disableChallengeResourceVerification: true,
      });
      const set = await client.setKey(`vite-${Date.now()}`, "via vite");
      const missing = await client.getKey(`absent-${Date.now()}`).catch((e) => e);
      const secrets = new window.SecretClient(vaultUrl, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, {
        allowInsecureConnection: true,
        disableChallengeResourceVerification: true,
      });
      const secret = await secrets.setSecret(`vite-secret-${Date.now()}`, "secret via vite");
      const absent = await secrets.getSecret(`absent-${Date.now()}`).catch((e) => e);
      const keys = new window.CryptoKeyClient(vaultUrl, { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }) }, {
        allowInsecureConnection: true,
        disableChallengeResourceVerification: true,
      });
      const key = await keys.createEcKey(`vite-key-${Date.now()}`, { curve: "P-256" });
      const data = new TextEncoder().encode("signed in the vault");
      const signed = await keys.getCryptographyClient(key.name).signData("ES256", data);
      const verified = await new window.CryptographyClient(key.key).verifyData("ES256", data, signed.result);
      return [set.value, missing instanceof window.KeyVaultError, missing.statusCode, secret.value, window.isRestError(absent), absent.statusCode, verified.result];
    }, vault);
  } finally {
    await page.close();
  }
}

test("Vite build (no plugin, no config) serves a working client", async () => {
  execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: app, stdio: "inherit" });
  const server = await startVite(["preview", "--strictPort", "false"]);
  try {
    assert.deepEqual(await roundTripIn(server.url), ["via vite", true, 404, "secret via vite", true, 404, true]);
  } finally {
    server.stop();
  }
});

test("Vite dev server (dependency pre-bundling) serves a working client", async () => {
  const server = await startVite([]);
  try {
    assert.deepEqual(await roundTripIn(server.url), ["via vite", true, 404, "secret via vite", true, 404, true]);
  } finally {
    server.stop();
  }
});
