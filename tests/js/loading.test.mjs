// The wasm module loads on first use: importing an entry never fails, a module that cannot be
// loaded rejects the call that needed it (saying what and from where), and `ready(source)`
// hands the module in where the .wasm beside the package is not served.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { emulatorUrl, repoFile, servePackageFiles } from "./helpers.mjs";

let files, browser, vaultUrl;

before(async () => {
  vaultUrl = await emulatorUrl();
  // The pages are served with the .wasm files hidden: their default URLs answer 404.
  files = await servePackageFiles("kv loading", { hidden: (path) => path.endsWith(".wasm") });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  });
});

after(async () => {
  await browser?.close();
  files?.close();
});

for (const [entry, wasm, client] of [
  ["/js/browser.mjs", "pkg/web/keyvault_secrets_bg.wasm", "KeyClient"],
  ["/js/secrets-browser.mjs", "pkg/web/keyvault_secrets_bg.wasm", "SecretClient"],
  ["/js/keys-browser.mjs", "pkg/keys/keyvault_keys_bg.wasm", "KeyClient"],
]) {
  test(`${entry}: imports without its .wasm, rejects the first call with where it looked, then runs on the module handed to ready()`, async () => {
    const bytes = [...readFileSync(repoFile(wasm))];
    // A page of its own: the entries' modules are loaded afresh.
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.goto(files.origin + "/");
    const result = await page.evaluate(
      async ({ entry, client, bytes, vaultUrl }) => {
        const module = await import(entry);
        const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
        const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
        const Client = module[client];
        // Constructed before any load: the arguments are checked at the first call.
        const early = new Client(vaultUrl, credential, options);
        const read = (c) => (client === "SecretClient" ? c.getSecret("never-set") : c.getKey("never-set"));
        const failed = await read(early).catch((e) => e);
        const readyFailed = await module.ready().catch((e) => e);
        // The module's bytes, as an app bundling them would hand them in.
        await module.ready(new Uint8Array(bytes));
        const after = await read(early).catch((e) => e);
        let constructorError;
        try {
          new Client("ftp://not-a-vault", credential, options);
        } catch (e) {
          constructorError = e.name;
        }
        return {
          failed: failed.message,
          failedIsError: failed instanceof Error,
          readyFailed: readyFailed?.message,
          after: after.statusCode,
          constructorError,
        };
      },
      { entry, client, bytes, vaultUrl },
    );
    // The page itself records the 404 of the .wasm (the expected failure); nothing else.
    const recorded = await page.evaluate(() => window.__pageErrors);
    await page.close();
    assert.deepEqual(errors, []);
    assert.ok(recorded.every((e) => e.endsWith(".wasm") || /could not load its WebAssembly module/.test(e)), recorded.join("\n"));
    const wasmUrl = `${files.origin}/${wasm}`;
    assert.ok(result.failedIsError);
    assert.ok(result.failed.startsWith(`keyvault-keys-wasm could not load its WebAssembly module from ${wasmUrl}: `), result.failed);
    assert.equal(result.readyFailed, result.failed, "ready() reports the same");
    assert.equal(result.after, 404, "after ready(bytes), the same client reaches the vault");
    assert.equal(result.constructorError, "RangeError", "once loaded, the constructor checks the vault URL");
  });
}

test("Node: ready() resolves, and ready(bytes) once loaded changes nothing", async () => {
  const { ready, KeyClient } = await import("keyvault-keys-wasm/keys");
  await ready();
  await ready(readFileSync(repoFile("pkg/keys/keyvault_keys_bg.wasm")));
  assert.throws(() => new KeyClient("ftp://not-a-vault", async () => "t"), RangeError);
});
