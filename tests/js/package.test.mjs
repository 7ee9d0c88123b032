// The package as users get it: imported by name through package.json "exports", ESM and CJS.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inspect } from "node:util";
import { before, test } from "node:test";
import * as esm from "keyvault-keys-wasm";
import { AuthenticationError, KeyClient, KeyVaultError } from "keyvault-keys-wasm";
import { emulatorOptions, emulatorUrl, uniqueName } from "./helpers.mjs";

const require = createRequire(import.meta.url);
let url;
before(async () => {
  url = await emulatorUrl();
});

test("import and require give the same classes (one wasm instance)", () => {
  const cjs = require("keyvault-keys-wasm");
  assert.equal(cjs.KeyClient, KeyClient);
  assert.equal(cjs.KeyVaultError, KeyVaultError);
  assert.equal(cjs.AuthenticationError, AuthenticationError);
  assert.equal(cjs.ready, esm.ready);
  assert.deepEqual(Object.keys(esm).sort(), ["AbortError", "AuthenticationError", "KeyClient", "KeyVaultError", "PollerStoppedError", "ready"]);
});

test("a CommonJS program can use the client", async () => {
  const { KeyClient: CjsClient } = require("keyvault-keys-wasm");
  const client = new CjsClient(url, () => "t", emulatorOptions);
  const key = await client.setKey(uniqueName("cjs"), "from require");
  assert.equal(key.value, "from require");
});

test("service errors are KeyVaultError with the service's status, code and request id", async () => {
  const client = new KeyClient(url, async () => "t", emulatorOptions);
  const err = await client.getKey(uniqueName("absent")).catch((e) => e);
  assert.ok(err instanceof KeyVaultError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "KeyVaultError");
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, "SecretNotFound");
  assert.match(err.requestId, /^[0-9a-f-]{36}$/);
  assert.match(err.message, /was not found in this key vault/);
});

test("bad arguments: a rejected Promise, never a synchronous throw", async () => {
  const client = new KeyClient(url, async () => "t", emulatorOptions);
  let promise;
  assert.doesNotThrow(() => {
    promise = client.setKey(42, "v");
  });
  await assert.rejects(promise, TypeError);
  await assert.rejects(client.getKey("a/b"), RangeError);
  await assert.rejects(client.updateKeyProperties("k", "not-a-version"), RangeError);
  assert.throws(() => new KeyClient("http://127.0.0.1:1", () => "t"), RangeError);
  assert.throws(() => new KeyClient(url, "token"), TypeError);
});

test("in Node the default transport is the package's own socket client, not the global fetch", async () => {
  const client = new KeyClient(url, async () => "t", emulatorOptions);
  const original = globalThis.fetch;
  globalThis.fetch = () => {
    throw new Error("fetch must not be used");
  };
  try {
    const key = await client.setKey(uniqueName("nodehttp"), "v");
    assert.equal(key.value, "v");
  } finally {
    globalThis.fetch = original;
  }
});

test("a custom httpClient carries every request; fetch Headers work as response headers", async () => {
  const seen = [];
  const httpClient = {
    async sendRequest(request) {
      seen.push(request);
      const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      return { status: res.status, headers: res.headers, bodyAsText: await res.text() };
    },
  };
  const client = new KeyClient(url, async () => "t", { ...emulatorOptions, httpClient });
  const name = uniqueName("custom");
  await client.setKey(name, "v", { tags: { a: "b" } });
  assert.deepEqual(
    seen.map((r) => [r.method, r.body === undefined, "authorization" in r.headers]),
    [
      ["PUT", true, false], // the challenge probe: no body, no token
      ["PUT", false, true],
    ],
  );
  assert.equal(seen[1].headers.authorization, "Bearer t");
  assert.equal(new URL(seen[1].url).searchParams.get("api-version"), "2025-07-01");
});

test("serviceVersion selects the api-version", async () => {
  const seen = [];
  const httpClient = {
    async sendRequest(request) {
      seen.push(new URL(request.url).searchParams.get("api-version"));
      const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      return { status: res.status, headers: res.headers, bodyAsText: await res.text() };
    },
  };
  const client = new KeyClient(url, async () => "t", { ...emulatorOptions, httpClient, serviceVersion: "7.5" });
  await client.setKey(uniqueName("apiver"), "v");
  assert.deepEqual([...new Set(seen)], ["7.5"]);
});

test("userAgentOptions.userAgentPrefix goes before the package's own User-Agent", async () => {
  const agents = [];
  const httpClient = {
    async sendRequest(request) {
      agents.push(request.headers["user-agent"]);
      const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
      return { status: res.status, headers: res.headers, bodyAsText: await res.text() };
    },
  };
  const { version } = require("keyvault-keys-wasm/package.json");
  const client = new KeyClient(url, async () => "t", { ...emulatorOptions, httpClient, userAgentOptions: { userAgentPrefix: "myapp/2.1" } });
  await client.setKey(uniqueName("ua"), "v");
  assert.deepEqual([...new Set(agents)], [`myapp/2.1 keyvault-keys-wasm/${version}`]);
  assert.throws(() => new KeyClient(url, () => "t", { ...emulatorOptions, userAgentOptions: { userAgentPrefix: "bad\nheader" } }), RangeError);
});

test("unreachable vault: KeyVaultError REQUEST_SEND_ERROR", async () => {
  // A refused connection is retried (by default for up to 60 s); one quick retry shows it here.
  const client = new KeyClient("http://127.0.0.1:9", async () => "t", {
    ...emulatorOptions,
    retryOptions: { maxRetries: 1, retryDelayInMs: 1 },
  });
  const err = await client.getKey("k").catch((e) => e);
  assert.ok(err instanceof KeyVaultError);
  assert.equal(err.code, "REQUEST_SEND_ERROR");
  assert.equal(err.statusCode, undefined);
  assert.match(err.message, /GET http:\/\/127\.0\.0\.1:9\/secrets\/k failed/);
});

test("neither the token nor the value appears in errors or in the client", async () => {
  const token = "eyJ0eXAiOiJKV1QiLCJTECRET-TOKEN-7f3a";
  const value = "SECRET-VALUE-91c2";
  const client = new KeyClient(url, { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3.6e6 }) }, emulatorOptions);
  const name = uniqueName("leak");
  const key = await client.setKey(name, value);
  await client.updateKeyProperties(name, key.properties.version, { enabled: false });
  const errors = [
    await client.getKey(name, { version: key.properties.version }).catch((e) => e),
    await client.getKey(uniqueName("absent")).catch((e) => e),
    await client.setKey(name, value, { tags: { bad: 1 } }).catch((e) => e),
  ];
  for (const e of errors) {
    assert.ok(e instanceof Error);
    for (const text of [String(e), e.stack, JSON.stringify(e), inspect(e, { depth: 5, showHidden: true })]) {
      assert.ok(!text.includes(token), `token leaked: ${text}`);
      assert.ok(!text.includes(value), `value leaked: ${text}`);
    }
  }
  const shown = inspect(client, { depth: 5, showHidden: true });
  assert.ok(!shown.includes(token) && !shown.includes("getToken"), shown);
});

test("a failing credential: AuthenticationError with the cause; the next call tries again", async () => {
  let calls = 0;
  const credential = async () => {
    calls += 1;
    if (calls === 1) throw new Error("token endpoint unavailable");
    return "t";
  };
  const client = new KeyClient(url, credential, emulatorOptions);
  const err = await client.setKey(uniqueName("auth"), "v").catch((e) => e);
  assert.ok(err instanceof AuthenticationError);
  assert.equal(err.cause.message, "token endpoint unavailable");
  assert.equal((await client.setKey(uniqueName("auth"), "v")).value, "v");
});

test("the challenge asks a TokenCredential, on its own object, for the vault's scope and tenant", async () => {
  const calls = [];
  const credential = {
    getToken(scopes, options) {
      calls.push({ scopes, options, self: this });
      return Promise.resolve({ token: "tok", expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
  const client = new KeyClient(url, credential, emulatorOptions);
  const name = uniqueName("challenge");
  // Concurrent first calls, and a later one: one credential call between them.
  await Promise.all(Array.from({ length: 5 }, (_, i) => client.setKey(name, `v${i}`)));
  await client.getKey(name);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].self, credential);
  assert.deepEqual(calls[0].scopes, ["https://vault.azure.net/.default"]);
  assert.equal(calls[0].options.tenantId, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  assert.equal(calls[0].options.enableCae, true);
});

test("the challenge's resource is verified before any token is asked for", async () => {
  let asked = 0;
  const client = new KeyClient(url, async () => (asked++, "t"), { allowInsecureConnection: true });
  const err = await client.setKey(uniqueName("verify"), "v").catch((e) => e);
  assert.ok(err instanceof AuthenticationError, String(err));
  assert.match(err.message, /vault\.azure\.net/);
  assert.equal(asked, 0);
});
