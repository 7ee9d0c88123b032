// The browser entries (js/browser.mjs and js/secrets-browser.mjs, plain ES modules that load the
// .wasm beside their glue), imported by a page with no bundler, talking to the emulator over
// CORS, in each browser of ./browsers.mjs: Chromium, Firefox and WebKit run the same scenarios.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browsersUnderTest, openBrowserPage } from "./browsers.mjs";
import { emulatorUrl, servePackageFiles } from "./helpers.mjs";

let files;

before(async () => {
  files = await servePackageFiles("kv");
});

after(() => files?.close());

for (const browser of browsersUnderTest()) {
  describe(browser, { timeout: 300_000 }, () => {
    let page;
    before(async () => {
      page = await openBrowserPage(browser, files.origin + "/");
    });
    after(async () => {
      const errors = await page?.pageErrors();
      await page?.close();
      assert.deepEqual(errors, [], "no page errors after the last scenario");
    });

    test("the root entry: set, get, update, a disabled version, a bad name", async () => {
      const result = await page.run(
        async ({ vaultUrl, where }) => {
          const { KeyClient, KeyVaultError } = await import("/js/browser.mjs");
          const client = new KeyClient(vaultUrl, async () => "browser-token", {
            allowInsecureConnection: true,
            disableChallengeResourceVerification: true,
          });
          const name = `browser-${where}-${Date.now()}`;
          // What the entry sends goes through the page's global fetch (counted here) and is
          // real network traffic the browser itself records as fetches (resource timing).
          performance.clearResourceTimings();
          const fetchCalls = [];
          const realFetch = globalThis.fetch;
          globalThis.fetch = function (input, init) {
            // (The entry's first call also fetches its .wasm, from the page's origin.)
            if (String(input).startsWith(vaultUrl)) fetchCalls.push(`${init?.method} ${new URL(String(input)).pathname} redirect=${init?.redirect}`);
            return realFetch.apply(this, arguments);
          };
          let set, got, props, forbidden, badArg;
          try {
            set = await client.setKey(name, `from ${where}`, {
              contentType: "text/plain",
              expiresOn: new Date(Date.UTC(2100, 0, 1)),
              tags: { where },
            });
            got = await client.getKey(name);
            props = await client.updateKeyProperties(name, set.properties.version, { enabled: false });
            forbidden = await client.getKey(name, { version: set.properties.version }).catch((e) => e);
            badArg = await client.setKey("a b", "v").catch((e) => e);
          } finally {
            globalThis.fetch = realFetch;
          }
          // The browser adds a resource-timing entry shortly after a fetch settles: wait (a
          // second at most) for as many as the fetches made.
          const recorded = () =>
            performance
              .getEntriesByType("resource")
              .filter((e) => e.name.startsWith(`${vaultUrl}/secrets/`))
              .map((e) => `${e.initiatorType} ${new URL(e.name).pathname}`);
          for (let waited = 0; recorded().length < fetchCalls.length && waited < 1000; waited += 20) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          const network = recorded();
          return {
            fetchCalls,
            network,
            value: set.value,
            got: [got.value, got.properties.version === set.properties.version, got.properties.contentType],
            expires: set.properties.expiresOn instanceof Date ? set.properties.expiresOn.toISOString() : null,
            tags: set.properties.tags,
            enabled: props.enabled,
            forbidden: [forbidden instanceof KeyVaultError, forbidden.statusCode, forbidden.code],
            badArg: badArg instanceof RangeError,
            name,
            version: set.properties.version,
          };
        },
        { vaultUrl: await emulatorUrl(), where: browser },
      );
      const path = `/secrets/${result.name}`;
      const version = `${path}/${result.version}`;
      assert.deepEqual(result, {
        name: result.name,
        version: result.version,
        // The challenge probe (no body), the PUT, getKey, the PATCH, the 403 read; the bad name
        // sends nothing.
        fetchCalls: [`PUT ${path}`, `PUT ${path}`, `GET ${path}`, `PATCH ${version}`, `GET ${version}`].map((c) => `${c} redirect=manual`),
        network: [`PUT ${path}`, `PUT ${path}`, `GET ${path}`, `PATCH ${version}`, `GET ${version}`].map((c) => `fetch ${c.split(" ")[1]}`),
        value: `from ${browser}`,
        got: [`from ${browser}`, true, "text/plain"],
        expires: "2100-01-01T00:00:00.000Z",
        tags: { where: browser },
        enabled: false,
        forbidden: [true, 403, "Forbidden"],
        badArg: true,
      });
    });

    test("the root entry: listing, pollers (delete, recover), backup/restore, rotation and abort", async () => {
      const result = await page.run(
        async ({ vaultUrl, where }) => {
          const { KeyClient, AbortError } = await import("/js/browser.mjs");
          const client = new KeyClient(vaultUrl, async () => "browser-token", {
            allowInsecureConnection: true,
            disableChallengeResourceVerification: true,
          });
          const name = `browser-life-${where}-${Date.now()}`;
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
          const gone = await client.getKey(name).catch((e) => e.statusCode);
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
            gone,
            restored: restored.name === name,
            latest: (await client.getKey(name)).value,
            aborted: (await aborted) instanceof AbortError,
          };
        },
        { vaultUrl: await emulatorUrl(), where: browser },
      );
      assert.deepEqual(result, {
        pages: [27, true, true],
        listed: true,
        rotated: ["v26!", "text/plain", "26"],
        backupIsBytes: true,
        deleted: true,
        inDeleted: true,
        gone: 404,
        restored: true,
        latest: "v26!",
        aborted: true,
      });
    });

    test("the /secrets entry beside the root entry: set, get, a missing secret, delete", async () => {
      const result = await page.run(
        async ({ vaultUrl, where }) => {
          const { SecretClient, isRestError, parseKeyVaultSecretIdentifier } = await import("/js/secrets-browser.mjs");
          const { KeyClient } = await import("/js/browser.mjs");
          const credential = { getToken: async () => ({ token: "browser-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
          const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
          const client = new SecretClient(vaultUrl, credential, options);
          const name = `browser-secret-${where}-${Date.now()}`;
          const set = await client.setSecret(name, `secret from ${where}`, { tags: { where } });
          const got = await client.getSecret(name);
          const viaRoot = await new KeyClient(vaultUrl, credential, options).getKey(name);
          const missing = await client.getSecret(`${name}-absent`).catch((e) => e);
          const deleted = await (await client.beginDeleteSecret(name, { intervalInMs: 100 })).pollUntilDone();
          return {
            value: set.value,
            got: [got.value, got.properties.version === set.properties.version],
            tags: set.properties.tags,
            parsed: parseKeyVaultSecretIdentifier(set.properties.id).name === name,
            sameSecretViaRoot: viaRoot.value,
            missing: [isRestError(missing), missing.statusCode, missing.code],
            deleted: deleted.name === name && deleted.deletedOn instanceof Date,
          };
        },
        { vaultUrl: await emulatorUrl(), where: browser },
      );
      assert.deepEqual(result, {
        value: `secret from ${browser}`,
        got: [`secret from ${browser}`, true],
        tags: { where: browser },
        parsed: true,
        sameSecretViaRoot: `secret from ${browser}`,
        missing: [true, 404, "SecretNotFound"],
        deleted: true,
      });
    });

    test("the CryptographyClient's local operations run on the browser's WebCrypto, interoperable with node:crypto", async () => {
      const { constants, generateKeyPairSync, privateDecrypt, sign } = await import("node:crypto");
      const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
      const data = `signed by node, verified in ${browser}`;
      const signatures = {
        PS256: [...sign("sha256", Buffer.from(data), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })],
        ES384: [...sign("sha384", Buffer.from(data), { key: ec.privateKey, dsaEncoding: "ieee-p1363" })],
      };
      const result = await page.run(
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
  });
}
