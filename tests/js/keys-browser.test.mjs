// The browser entry of keyvault-keys-wasm/keys (the `browser` condition of its export, a plain
// ES module that loads the .wasm beside its glue) against the emulator over CORS, in each browser
// of ./browsers.mjs (Chromium, Firefox and WebKit run the same scenarios): keys made from the
// page, the CryptographyClient's local operations on the browser's WebCrypto interoperating with
// the emulator and node:crypto, and the emulator's request counters (and the page's own network
// log, its resource timing entries) showing that local operations send nothing.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { CryptographyClient, KeyClient } from "keyvault-keys-wasm/keys";
import { browsersUnderTest, openBrowserPage } from "./browsers.mjs";
import { emulatorOptions, nodePublicKey, nodeVerify, repoFile, servePackageFiles, startEmulator } from "./helpers.mjs";

let emulator, files;

before(async () => {
  emulator = await startEmulator();
  files = await servePackageFiles("kv keys");
});

after(async () => {
  files?.close();
  await emulator?.stop();
});

/** The routes of a count without the CORS preflights (their number depends on the browser's preflight cache). */
const withoutPreflights = (routes) => Object.fromEntries(Object.entries(routes).filter(([route]) => !route.startsWith("OPTIONS ")));

for (const browser of browsersUnderTest()) {
  describe(browser, { timeout: 300_000 }, () => {
    let page;
    /** What the page's key tests share: names, ids and public keys of the keys it made. */
    let keys;

    /** Runs `fn(arg)` in the page. */
    const inPage = (fn, arg) => page.run(fn, arg);

    /**
     * What reached the emulator while `fn` ran, and the paths the page fetched from it then
     * (its resource timing entries: one per request the page made, preflights aside).
     */
    async function counted(fn) {
      const reset = await fetch(`${emulator.url}/_emulator/stats`, { method: "DELETE" });
      assert.equal(reset.status, 204);
      await inPage(() => performance.clearResourceTimings());
      const value = await fn();
      const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
      // The browser adds a resource-timing entry shortly after a request settles: wait (a
      // second at most) for one per request the emulator saw, preflights aside.
      const expected = Object.entries(stats.byRoute)
        .filter(([route]) => !route.startsWith("OPTIONS "))
        .reduce((n, [, count]) => n + count, 0);
      const sent = await inPage(
        async ({ origin, expected }) => {
          const recorded = () =>
            performance
              .getEntriesByType("resource")
              .filter((e) => e.name.startsWith(origin))
              .map((e) => new URL(e.name).pathname);
          for (let waited = 0; recorded().length < expected && waited < 1000; waited += 20) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return recorded();
        },
        { origin: emulator.url, expected },
      );
      return { value, requests: stats.requests, routes: stats.byRoute, statuses: stats.byStatus, sent };
    }

    /** `fn` must send no request at all; its value. */
    async function local(fn) {
      const { value, requests, routes, sent } = await counted(fn);
      assert.equal(requests, 0, `no request expected at the emulator, got ${JSON.stringify(routes)}`);
      assert.deepEqual(sent, [], "no request expected from the page");
      return value;
    }

    before(async () => {
      page = await openBrowserPage(browser, files.origin + "/");

      // The module the package names for browsers, as a bundler would pick it.
      const { exports } = JSON.parse(await readFile(repoFile("package.json"), "utf8"));
      const entry = exports["./keys"].browser.default;
      assert.deepEqual(exports["./keys"].default, exports["./keys"].browser);
      const loaded = await inPage(
        async ({ entry, vaultUrl }) => {
          const module = await import(entry);
          const credential = { getToken: async () => ({ token: "browser-keys", expiresOnTimestamp: Date.now() + 3_600_000 }) };
          const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
          globalThis.kv = { ...module, vaultUrl, credential, options, client: new module.KeyClient(vaultUrl, credential, options) };
          globalThis.bytes = (text) => new TextEncoder().encode(text);
          globalThis.flipped = (data, at) => Uint8Array.from(data, (b, i) => (i === at ? b ^ 0x01 : b));
          return { subtle: typeof crypto.subtle?.verify === "function", names: Object.keys(module).sort() };
        },
        { entry: entry.replace(/^\./, ""), vaultUrl: emulator.url },
      );
      assert.equal(loaded.subtle, true);
      assert.ok(loaded.names.includes("CryptographyClient") && loaded.names.includes("KeyClient"), loaded.names.join());
    });

    after(async () => {
      const errors = await page?.pageErrors();
      await page?.close();
      assert.deepEqual(errors, [], "no page errors after the last scenario");
    });

    test("keys made from the page; the emulator's RS256, PS256 and ES256 signatures verify with node:crypto", async () => {
      const made = await inPage(async () => {
        const stamp = Date.now().toString(36);
        const [rsa, ec] = await Promise.all([
          kv.client.createRsaKey(`page-rsa-${stamp}`, { keySize: 2048 }),
          kv.client.createEcKey(`page-ec-${stamp}`, { curve: "P-256" }),
        ]);
        kv.rsa = { key: rsa, crypto: kv.client.getCryptographyClient(rsa.name) };
        kv.ec = { key: ec, crypto: kv.client.getCryptographyClient(ec.name) };
        kv.data = bytes("signed by the emulator, verified in the browser");
        const signatures = {
          RS256: (await kv.rsa.crypto.signData("RS256", kv.data)).result,
          PS256: (await kv.rsa.crypto.signData("PS256", kv.data)).result,
          ES256: (await kv.ec.crypto.signData("ES256", kv.data)).result,
        };
        kv.signatures = signatures;
        const jwk = (k) => ({ kty: k.kty, n: k.n && [...k.n], e: k.e && [...k.e], crv: k.crv, x: k.x && [...k.x], y: k.y && [...k.y] });
        return {
          rsa: { id: rsa.id, name: rsa.name, jwk: jwk(rsa.key) },
          ec: { id: ec.id, name: ec.name, jwk: jwk(ec.key) },
          data: [...kv.data],
          signatures: Object.fromEntries(Object.entries(signatures).map(([alg, s]) => [alg, [...s]])),
          isBytes: Object.values(signatures).every((s) => s instanceof Uint8Array),
        };
      });
      keys = made;
      assert.equal(made.isBytes, true);
      assert.equal(made.rsa.jwk.n.length, 256);
      assert.equal(made.ec.jwk.crv, "P-256");
      const data = Buffer.from(made.data);
      const rsaKey = nodePublicKey(made.rsa.jwk);
      const ecKey = nodePublicKey(made.ec.jwk);
      for (const [alg, key] of [["RS256", rsaKey], ["PS256", rsaKey], ["ES256", ecKey]]) {
        const signature = Buffer.from(made.signatures[alg]);
        assert.equal(signature.length, alg === "ES256" ? 64 : 256, alg);
        assert.equal(nodeVerify(alg, key, data, signature), true, `${alg}: node:crypto verifies the emulator's signature`);
        assert.equal(nodeVerify(alg, key, Buffer.from("other"), signature), false, `${alg}: and can refuse`);
      }
    });

    test("in the page, verifyData checks the emulator's signatures locally: no request; tampered ones are false", async () => {
      const verdicts = await local(() =>
        inPage(async () => {
          const out = {};
          for (const [alg, signature] of Object.entries(kv.signatures)) {
            const crypto = alg === "ES256" ? kv.ec.crypto : kv.rsa.crypto;
            const ok = await crypto.verifyData(alg, kv.data, signature);
            out[alg] = {
              ok: ok.result,
              keyID: ok.keyID,
              tamperedFirst: (await crypto.verifyData(alg, kv.data, flipped(signature, 0))).result,
              tamperedMiddle: (await crypto.verifyData(alg, kv.data, flipped(signature, signature.length >> 1))).result,
              tamperedLast: (await crypto.verifyData(alg, kv.data, flipped(signature, signature.length - 1))).result,
              otherData: (await crypto.verifyData(alg, flipped(kv.data, 3), signature)).result,
            };
          }
          return out;
        }),
      );
      for (const alg of ["RS256", "PS256", "ES256"]) {
        assert.deepEqual(
          verdicts[alg],
          { ok: true, keyID: alg === "ES256" ? keys.ec.id : keys.rsa.id, tamperedFirst: false, tamperedMiddle: false, tamperedLast: false, otherData: false },
          alg,
        );
      }

      // verify of a digest has no WebCrypto counterpart: it is the service's, and agrees.
      const remote = await counted(() =>
        inPage(async () => {
          const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", kv.data));
          return [
            (await kv.ec.crypto.verify("ES256", digest, kv.signatures.ES256)).result,
            (await kv.ec.crypto.verify("ES256", digest, flipped(kv.signatures.ES256, 7))).result,
          ];
        }),
      );
      assert.deepEqual(remote.value, [true, false]);
      assert.deepEqual(withoutPreflights(remote.routes), { "POST /keys/{name}/{version}/verify": 2 });
      const ecPath = new URL(keys.ec.id).pathname;
      assert.deepEqual(remote.sent, [`${ecPath}/verify`, `${ecPath}/verify`]);
    });

    test("RSA-OAEP encrypt and wrapKey run on the browser's WebCrypto; the emulator decrypts them", async () => {
      const plaintext = "a content key, wrapped in the browser";
      const encrypted = await local(() =>
        inPage(async (plaintext) => {
          const out = {};
          for (const alg of ["RSA-OAEP", "RSA-OAEP-256"]) {
            const e = await kv.rsa.crypto.encrypt({ algorithm: alg, plaintext: bytes(plaintext) });
            const w = await kv.rsa.crypto.wrapKey(alg, bytes(plaintext));
            out[alg] = { encrypted: [...e.result], wrapped: [...w.result], keyID: e.keyID, algorithm: e.algorithm };
          }
          return out;
        }, plaintext),
      );
      for (const [alg, e] of Object.entries(encrypted)) {
        assert.deepEqual([e.algorithm, e.keyID, e.encrypted.length, e.wrapped.length], [alg, keys.rsa.id, 256, 256], alg);
        assert.notDeepEqual(e.encrypted, e.wrapped, `${alg}: OAEP is randomized`);
      }

      // The page has the emulator decrypt what it encrypted: one request each (and preflights).
      const decrypted = await counted(() =>
        inPage(async (encrypted) => {
          const out = {};
          for (const [alg, e] of Object.entries(encrypted)) {
            const d = await kv.rsa.crypto.decrypt(alg, new Uint8Array(e.encrypted));
            const u = await kv.rsa.crypto.unwrapKey(alg, new Uint8Array(e.wrapped));
            out[alg] = [new TextDecoder().decode(d.result), new TextDecoder().decode(u.result)];
          }
          return out;
        }, encrypted),
      );
      assert.deepEqual(decrypted.value, { "RSA-OAEP": [plaintext, plaintext], "RSA-OAEP-256": [plaintext, plaintext] });
      assert.deepEqual(withoutPreflights(decrypted.routes), {
        "POST /keys/{name}/{version}/decrypt": 2,
        "POST /keys/{name}/{version}/unwrapkey": 2,
      });
      assert.equal(decrypted.sent.length, 4, decrypted.sent.join());

      // The same ciphertexts, decrypted from Node through the package's Node entry.
      const credential = { getToken: async () => ({ token: "node", expiresOnTimestamp: Date.now() + 3_600_000 }) };
      const fromNode = new KeyClient(emulator.url, credential, emulatorOptions).getCryptographyClient(keys.rsa.name);
      for (const [alg, e] of Object.entries(encrypted)) {
        assert.equal(Buffer.from((await fromNode.decrypt(alg, new Uint8Array(e.encrypted))).result).toString(), plaintext, alg);
      }
      // And what Node encrypts locally, the page has the emulator decrypt.
      const nodeMade = await new CryptographyClient(
        (await new KeyClient(emulator.url, credential, emulatorOptions).getKey(keys.rsa.name)),
        credential,
        emulatorOptions,
      ).encrypt("RSA-OAEP-256", Buffer.from("from node"));
      const inBrowser = await inPage(
        async (c) => new TextDecoder().decode((await kv.rsa.crypto.decrypt("RSA-OAEP-256", new Uint8Array(c))).result),
        [...nodeMade.result],
      );
      assert.equal(inBrowser, "from node");
    });

    test("in the page, a client built from a key id fetches the key once, then its local operations send nothing", async () => {
      const first = await counted(() =>
        inPage(async (id) => {
          kv.fromId = new kv.CryptographyClient(id, kv.credential, kv.options);
          const e = await kv.fromId.encrypt("RSA-OAEP", bytes("first"));
          kv.firstCiphertext = e.result;
          return e.keyID;
        }, keys.rsa.id),
      );
      assert.equal(first.value, keys.rsa.id);
      const path = new URL(keys.rsa.id).pathname;
      // A new pipeline: the challenge (401, no token) and then the key itself (200).
      assert.deepEqual(withoutPreflights(first.routes), { "GET /keys/{name}/{version}": 2 });
      assert.equal(first.statuses["200"], 1);
      assert.equal(first.statuses["401"], 1);
      assert.deepEqual(first.sent, [path, path]);

      const later = await local(() =>
        inPage(async () => [
          (await kv.fromId.encrypt("RSA-OAEP-256", bytes("later"))).result.length,
          (await kv.fromId.wrapKey("RSA-OAEP", bytes("later"))).result.length,
          (await kv.fromId.verifyData("RS256", kv.data, kv.signatures.RS256)).result,
          (await kv.fromId.verifyData("PS256", kv.data, flipped(kv.signatures.PS256, 9))).result,
        ]),
      );
      assert.deepEqual(later, [256, 256, true, false]);

      const decrypted = await counted(() =>
        inPage(async () => new TextDecoder().decode((await kv.fromId.decrypt("RSA-OAEP", kv.firstCiphertext)).result)),
      );
      assert.equal(decrypted.value, "first");
      assert.deepEqual(withoutPreflights(decrypted.routes), { "POST /keys/{name}/{version}/decrypt": 1 });
      assert.deepEqual(decrypted.sent, [`${path}/decrypt`]);
    });

    test("in the page, a local-only client from the key's JsonWebKey works with no request and refuses the rest", async () => {
      const result = await local(() =>
        inPage(async () => {
          const client = new kv.CryptographyClient(kv.rsa.key.key);
          const ec = new kv.CryptographyClient(kv.ec.key.key);
          const refused = await client.decrypt("RSA-OAEP", new Uint8Array(256)).catch((e) => e.message);
          const signRefused = await ec.signData("ES256", kv.data).catch((e) => e.message);
          const verifyOnly = new kv.CryptographyClient({ ...kv.rsa.key.key, keyOps: ["verify"] });
          return {
            keyID: client.keyID,
            encrypted: (await client.encrypt("RSA-OAEP", bytes("x"))).result.length,
            es256: (await ec.verifyData("ES256", kv.data, kv.signatures.ES256)).result,
            es256Tampered: (await ec.verifyData("ES256", kv.data, flipped(kv.signatures.ES256, 40))).result,
            refused,
            signRefused,
            keyOps: await verifyOnly.encrypt("RSA-OAEP", bytes("x")).catch((e) => e.message),
          };
        }),
      );
      assert.deepEqual(result, {
        keyID: keys.rsa.id,
        encrypted: 256,
        es256: true,
        es256Tampered: false,
        refused: 'Unable to support operation: "decrypt" with algorithm: "RSA-OAEP" using a local JsonWebKey',
        signRefused: 'Unable to support operation: "signData" with algorithm: "ES256" using a local JsonWebKey',
        keyOps: `Operation encrypt is not supported on key ${keys.rsa.id}`,
      });
    });
  });
}
