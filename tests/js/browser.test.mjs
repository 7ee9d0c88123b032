// The browser entry (js/browser.mjs, a plain ES module that loads the .wasm beside its glue),
// imported by a page in headless Chromium with no bundler, talking to the emulator over CORS.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { emulatorUrl, openPackagePage } from "./helpers.mjs";

let browserPage, page;

before(async () => {
  browserPage = await openPackagePage(chromium);
  page = browserPage.page;
  await page.goto(browserPage.origin + "/");
});

after(async () => {
  await browserPage?.close();
});

test("the package's browser entry works in Chromium without a bundler", async () => {
  const vault = await emulatorUrl();
  const result = await page.evaluate(async (vaultUrl) => {
    const { KeyClient, KeyVaultError } = await import("/js/browser.mjs");
    const client = new KeyClient(vaultUrl, async () => "browser-token", {
      allowInsecureConnection: true,
      disableChallengeResourceVerification: true,
    });
    const name = `browser-${Date.now()}`;
    const set = await client.setKey(name, "from the browser", {
      contentType: "text/plain",
      expiresOn: new Date(Date.UTC(2100, 0, 1)),
      tags: { where: "chromium" },
    });
    const props = await client.updateKeyProperties(name, set.properties.version, { enabled: false });
    const forbidden = await client.getKey(name, { version: set.properties.version }).catch((e) => e);
    const badArg = await client.setKey("a b", "v").catch((e) => e);
    return {
      value: set.value,
      expires: set.properties.expiresOn instanceof Date ? set.properties.expiresOn.toISOString() : null,
      tags: set.properties.tags,
      enabled: props.enabled,
      forbidden: [forbidden instanceof KeyVaultError, forbidden.statusCode, forbidden.code],
      badArg: badArg instanceof RangeError,
      fetchUsed: typeof fetch === "function",
    };
  }, vault);
  assert.deepEqual(result, {
    value: "from the browser",
    expires: "2100-01-01T00:00:00.000Z",
    tags: { where: "chromium" },
    enabled: false,
    forbidden: [true, 403, "Forbidden"],
    badArg: true,
    fetchUsed: true,
  });
});

test("listing, pollers, backup/restore, rotation and abort in Chromium", async () => {
  const vault = await emulatorUrl();
  const result = await page.evaluate(async (vaultUrl) => {
    const { KeyClient, AbortError } = await import("/js/browser.mjs");
    const client = new KeyClient(vaultUrl, async () => "browser-token", {
      allowInsecureConnection: true,
      disableChallengeResourceVerification: true,
    });
    const name = `browser-life-${Date.now()}`;
    for (let i = 0; i < 27; i++) await client.setKey(name, `v${i}`, { tags: { i: String(i) }, contentType: "text/plain" });
    const pages = [];
    for await (const p of client.listPropertiesOfKeyVersions(name).byPage({ maxPageSize: 10 })) pages.push(p.length);
    let listed = false;
    for await (const p of client.listPropertiesOfKeys()) listed ||= p.name === name;

    const rotated = await client.rotateKey(name, (current) => `${current.value}!`, { expiresIn: "P1D" });
    const backup = await client.backupKey(name);
    const deleted = await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
    let inDeleted = false;
    for await (const d of client.listDeletedKeys()) inDeleted ||= d.name === name;
    await (await client.beginRecoverDeletedKey(name, { intervalInMs: 100 })).pollUntilDone();
    await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
    await client.purgeDeletedKey(name);
    const restored = await client.restoreKeyBackup(backup);
    const controller = new AbortController();
    const aborted = client.getKey(name, { abortSignal: controller.signal }).catch((e) => e);
    controller.abort();
    return {
      pages: [pages.reduce((a, b) => a + b, 0), pages.length >= 3, Math.max(...pages) <= 10],
      listed,
      rotated: [rotated.value, rotated.properties.contentType, rotated.properties.tags.i],
      backupIsBytes: backup instanceof Uint8Array && backup.length > 0,
      deleted: deleted.deletedOn instanceof Date && deleted.recoveryId.endsWith(`/deletedsecrets/${name}`),
      inDeleted,
      restored: restored.name === name,
      latest: (await client.getKey(name)).value,
      aborted: (await aborted) instanceof AbortError,
    };
  }, vault);
  assert.deepEqual(result, {
    pages: [27, true, true],
    listed: true,
    rotated: ["v26!", "text/plain", "26"],
    backupIsBytes: true,
    deleted: true,
    inDeleted: true,
    restored: true,
    latest: "v26!",
    aborted: true,
  });
});

test("the secrets drop-in's browser entry works in Chromium beside the root entry", async () => {
  const vault = await emulatorUrl();
  const result = await page.evaluate(async (vaultUrl) => {
    const { SecretClient, isRestError, parseKeyVaultSecretIdentifier } = await import("/js/secrets-browser.mjs");
    const { KeyClient } = await import("/js/browser.mjs");
    const credential = { getToken: async () => ({ token: "browser-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
    const client = new SecretClient(vaultUrl, credential, options);
    const name = `browser-secret-${Date.now()}`;
    const set = await client.setSecret(name, "secret from the browser", { tags: { where: "chromium" } });
    const viaRoot = await new KeyClient(vaultUrl, credential, options).getKey(name);
    const missing = await client.getSecret(`${name}-absent`).catch((e) => e);
    const deleted = await (await client.beginDeleteSecret(name, { intervalInMs: 100 })).pollUntilDone();
    return {
      value: set.value,
      tags: set.properties.tags,
      parsed: parseKeyVaultSecretIdentifier(set.properties.id).name === name,
      sameSecretViaRoot: viaRoot.value,
      missing: [isRestError(missing), missing.statusCode, missing.code],
      deleted: deleted.name === name && deleted.deletedOn instanceof Date,
    };
  }, vault);
  assert.deepEqual(result, {
    value: "secret from the browser",
    tags: { where: "chromium" },
    parsed: true,
    sameSecretViaRoot: "secret from the browser",
    missing: [true, 404, "SecretNotFound"],
    deleted: true,
  });
});

test("the CryptographyClient's local operations run on Chromium's WebCrypto, interoperable with node:crypto", async () => {
  const { constants, generateKeyPairSync, privateDecrypt, sign } = await import("node:crypto");
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const data = "signed by node, verified in the browser";
  const signatures = {
    PS256: [...sign("sha256", Buffer.from(data), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })],
    ES384: [...sign("sha384", Buffer.from(data), { key: ec.privateKey, dsaEncoding: "ieee-p1363" })],
  };
  const result = await page.evaluate(
    async ({ rsaJwk, ecJwk, data, signatures }) => {
      const local = await import("/js/crypto-local.mjs");
      const { decodeBase64 } = await import("/js/base64.mjs");
      const shape = (jwk, kty) => Object.fromEntries(Object.entries(jwk).map(([k, v]) => [k, k === "kty" ? kty : k === "crv" ? v : decodeBase64(v)]));
      const rsaKey = shape(rsaJwk, "RSA");
      const ecKey = shape(ecJwk, "EC");
      const bytes = new TextEncoder().encode(data);
      const ciphertext = await local.encryptLocally(rsaKey, "RSA-OAEP-256", new TextEncoder().encode("wrapped in the browser"));
      return {
        ps256: await local.verifyDataLocally(rsaKey, "PS256", bytes, new Uint8Array(signatures.PS256)),
        es384: await local.verifyDataLocally(ecKey, "ES384", bytes, new Uint8Array(signatures.ES384)),
        es384Tampered: await local.verifyDataLocally(ecKey, "ES384", bytes.map((b, i) => (i === 0 ? b ^ 1 : b)), new Uint8Array(signatures.ES384)),
        ciphertext: [...ciphertext],
      };
    },
    { rsaJwk: rsa.publicKey.export({ format: "jwk" }), ecJwk: ec.publicKey.export({ format: "jwk" }), data, signatures },
  );
  assert.equal(result.ps256, true);
  assert.equal(result.es384, true);
  assert.equal(result.es384Tampered, false);
  const plain = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(result.ciphertext));
  assert.equal(plain.toString(), "wrapped in the browser");
});
