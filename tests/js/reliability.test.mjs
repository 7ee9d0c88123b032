// Retries that lose nothing, tokens that refresh without blocking and never leak, and the
// security rules: verified challenges, https, no token after a redirect. Failures another try
// cannot mend end the call at once; a long Retry-After is waited for, capped, not fatal.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { getEventListeners } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, mock, test } from "node:test";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import { AbortError, AuthenticationError, KeyClient, KeyVaultError } from "keyvault-keys-wasm";
import { RestError, SecretClient } from "keyvault-keys-wasm/secrets";
import { emulatorOptions, selfSignedCertificate, startEmulator, uniqueName } from "./helpers.mjs";

const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/tenant-a", resource="https://vault.azure.net"';
const BUNDLE = (name) =>
  JSON.stringify({ value: "v", id: `https://myvault.vault.azure.net/secrets/${name}/0123456789abcdef0123456789abcdef`, attributes: { enabled: true } });

/**
 * A scripted transport for https://myvault.vault.azure.net: `script` answers each request
 * ({ status, headers?, body? } or a Promise of one, or throws). Records every request.
 */
function scripted(script) {
  const sent = [];
  const httpClient = {
    async sendRequest(request) {
      sent.push(request);
      const answer = await script(request, sent.length);
      return { status: answer.status, headers: answer.headers ?? {}, bodyAsText: answer.body ?? "" };
    },
  };
  return { sent, httpClient };
}
const unauthorized = (challenge = CHALLENGE) => ({ status: 401, headers: { "www-authenticate": challenge }, body: '{"error":{"code":"Unauthorized","message":"AKV10000"}}' });
const ok = (name = "k") => ({ status: 200, body: BUNDLE(name) });
const vault = "https://myvault.vault.azure.net";

describe("retries", () => {
  let emulator;
  before(async () => {
    emulator = await startEmulator(["--fault-rate", "0.3", "--fault-statuses", "429,500,503", "--drop-rate", "0.1", "--seed", "7"]);
  });
  after(() => emulator?.stop());

  test("every call succeeds through injected faults and dropped connections, each stored once", async () => {
    // Short waits and enough retries that a call failing every try (p = 0.37^21) cannot happen.
    const retryOptions = { retryDelayInMs: 10, maxRetryDelayInMs: 200, maxRetries: 20 };
    const client = new KeyClient(emulator.url, async () => "t", { ...emulatorOptions, retryOptions });
    const name = uniqueName("retry");
    const values = Array.from({ length: 60 }, (_, i) => `value-${i}`);
    const keys = [];
    for (let i = 0; i < values.length; i += 12) {
      keys.push(...(await Promise.all(values.slice(i, i + 12).map((v) => client.setKey(name, v)))));
    }
    const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
    assert.ok(stats.faults > 0 && stats.dropped > 0, JSON.stringify(stats));
    await fetch(`${emulator.url}/_emulator/faults`, { method: "PUT", body: JSON.stringify({ faultRate: 0, dropRate: 0 }) });
    const versions = [];
    for await (const p of client.listPropertiesOfKeyVersions(name)) versions.push(p.version);
    assert.deepEqual(versions.sort(), keys.map((k) => k.properties.version).sort(), "one version per acknowledged call");
    for (const k of keys.slice(0, 10)) {
      assert.equal((await client.getKey(name, { version: k.properties.version })).value, k.value);
    }
  });

  test("other 4xx are never retried", async () => {
    for (const status of [400, 403, 404, 409]) {
      const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : { status, body: '{"error":{"code":"X","message":"m"}}' }));
      const client = new KeyClient(vault, async () => "t", { httpClient });
      const err = await client.getKey("k").catch((e) => e);
      assert.equal(err.statusCode, status);
      assert.equal(sent.length, 2, `${status}: the probe and one try`);
    }
  });

  test("a 429 without Retry-After (what the service sends) is retried", async () => {
    const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : n < 4 ? { status: 429, body: '{"error":{"code":"Throttled","message":"m"}}' } : ok()));
    const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions: { retryDelayInMs: 1 } });
    assert.equal((await client.getKey("k")).value, "v");
    assert.equal(sent.length, 4);
  });

  test("an abort cancels a pending backoff at once, and nothing more is sent", async () => {
    const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : { status: 503 }));
    // A first backoff of 16-24 s: well inside the 60 s budget, far longer than the test.
    const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions: { retryDelayInMs: 20_000 } });
    const controller = new AbortController();
    const pending = client.getKey("k", { abortSignal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await assert.rejects(pending, AbortError);
    const count = sent.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sent.length, count);
  });

  test("a long-lived AbortSignal used for a thousand calls with retries gains no listeners, nor do the calls' own", async () => {
    const callSignals = new Set();
    // Every call's first try fails (503), its second succeeds: one backoff per call.
    const { sent, httpClient } = scripted((r, n) => {
      if (n === 1) return unauthorized();
      callSignals.add(r.abortSignal);
      return n % 2 === 0 ? { status: 503 } : ok();
    });
    const client = new KeyClient(vault, async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600e3 }), {
      httpClient,
      retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 2 },
    });
    const longLived = new AbortController().signal;
    for (let i = 0; i < 1000; i++) await client.getKey("k", { abortSignal: longLived });
    assert.equal(sent.length, 1 + 2 * 1000, "one retry per call");
    assert.equal(getEventListeners(longLived, "abort").length, 0);
    const left = [...callSignals].filter((s) => getEventListeners(s, "abort").length > 0);
    assert.equal(left.length, 0, "a backoff whose timer fired left its abort listener behind");
  });

  test("a try that exceeds tryTimeoutInMs is abandoned and retried", async () => {
    const signals = [];
    const { sent, httpClient } = scripted((r, n) => {
      if (n === 1) return unauthorized();
      signals.push(r.abortSignal);
      if (n === 2) return new Promise((_, reject) => r.abortSignal.addEventListener("abort", () => reject(new Error("aborted"))));
      return ok();
    });
    const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions: { tryTimeoutInMs: 100, retryDelayInMs: 1 } });
    assert.equal((await client.getKey("k")).value, "v");
    assert.equal(sent.length, 3);
    assert.equal(signals[0].aborted, true);
  });
});

describe("tokens", () => {
  test("near expiry the old token keeps working while one refresh runs in the background", async () => {
    let calls = 0;
    const credential = async () => {
      calls += 1;
      // The first token is already inside the two-minute refresh window.
      return { token: `token-${calls}`, expiresOnTimestamp: Date.now() + (calls === 1 ? 90_000 : 3_600_000) };
    };
    const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : ok()));
    const client = new KeyClient(vault, credential, { httpClient });
    await client.getKey("k");
    await Promise.all([client.getKey("k"), client.getKey("k"), client.getKey("k")]);
    await new Promise((r) => setTimeout(r, 20));
    await client.getKey("k");
    const auth = sent.map((r) => r.headers.authorization);
    assert.deepEqual(auth, [undefined, "Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    assert.equal(calls, 2, "one background refresh");
  });

  test("concurrent calls share one credential call; a failure reaches them all as AuthenticationError", async () => {
    let calls = 0;
    let fail = true;
    const credential = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 30));
      if (fail) throw new Error("identity endpoint down");
      return { token: "t", expiresOnTimestamp: Date.now() + 3_600_000 };
    };
    const { httpClient } = scripted((r) => (r.headers.authorization ? ok() : unauthorized()));
    const client = new KeyClient(vault, credential, { httpClient });
    const errors = await Promise.all(Array.from({ length: 8 }, () => client.getKey("k").catch((e) => e)));
    assert.equal(calls, 1);
    for (const e of errors) {
      assert.ok(e instanceof AuthenticationError);
      assert.equal(e.cause.message, "identity endpoint down");
    }
    fail = false;
    assert.equal((await client.getKey("k")).value, "v", "the next call tries again");
    assert.equal(calls, 2);
  });

  test("CAE: an insufficient_claims challenge gets a token with those claims, sent once", async () => {
    const seen = [];
    const credential = async (scopes, options) => {
      seen.push(options);
      return { token: `token-${seen.length}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    };
    const cae =
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzI2MDc3NTk1In19fQ=="';
    const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : n === 3 ? unauthorized(cae) : ok()));
    const client = new KeyClient(vault, credential, { httpClient });
    await client.getKey("k");
    await client.getKey("k");
    assert.equal(seen.length, 2);
    assert.equal(seen[1].claims, '{"access_token":{"nbf":{"essential":true,"value":"1726077595"}}}');
    assert.equal(seen[1].tenantId, "tenant-a");
    assert.deepEqual(sent.map((r) => r.headers.authorization), [undefined, "Bearer token-1", "Bearer token-1", "Bearer token-2"]);
  });

  test("a tenant change in a challenge forces a token for the new tenant", async () => {
    const seen = [];
    const credential = async (scopes, options) => {
      seen.push(options.tenantId);
      return { token: `token-${seen.length}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    };
    const { httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : n === 3 ? unauthorized(CHALLENGE.replace("tenant-a", "tenant-b")) : ok()));
    const client = new KeyClient(vault, credential, { httpClient });
    await client.getKey("k");
    await client.getKey("k");
    assert.deepEqual(seen, ["tenant-a", "tenant-b"]);
  });
});

describe("security", () => {
  test("after a rejected challenge the next request carries no token", async () => {
    const evil = 'Bearer authorization="https://login.microsoftonline.com/t", resource="https://evil.example"';
    let tokens = 0;
    const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized(evil) : n === 2 ? unauthorized() : ok()));
    const client = new KeyClient(vault, async () => (tokens++, "t"), { httpClient });
    const err = await client.getKey("k").catch((e) => e);
    assert.ok(err instanceof AuthenticationError);
    assert.match(err.message, /evil\.example/);
    assert.equal(tokens, 0);
    await client.getKey("k");
    assert.equal(sent[1].headers.authorization, undefined, "the request after the rejection is a bare probe");
    assert.equal(sent[1].body, undefined);
  });

  test("http is refused unless allowInsecureConnection", () => {
    assert.throws(() => new KeyClient("http://myvault.vault.azure.net", () => "t"), RangeError);
    assert.doesNotThrow(() => new KeyClient("http://127.0.0.1:1", () => "t", { allowInsecureConnection: true }));
  });

  test("a redirect is not followed: no token reaches the other origin", async () => {
    const other = [];
    const elsewhere = createServer((req, res) => {
      other.push(req.headers.authorization);
      res.writeHead(200).end(BUNDLE("k"));
    });
    await new Promise((r) => elsewhere.listen(0, "127.0.0.1", r));
    const redirector = createServer((req, res) => {
      if (!req.headers.authorization) return res.writeHead(401, { "www-authenticate": CHALLENGE }).end("{}");
      res.writeHead(307, { location: `http://127.0.0.1:${elsewhere.address().port}${req.url}` }).end();
    });
    await new Promise((r) => redirector.listen(0, "127.0.0.1", r));
    try {
      const client = new KeyClient(`http://127.0.0.1:${redirector.address().port}`, async () => "secret-token", emulatorOptions);
      const err = await client.getKey("k").catch((e) => e);
      assert.ok(err instanceof KeyVaultError);
      assert.equal(err.statusCode, 307);
      assert.deepEqual(other, []);
    } finally {
      for (const s of [elsewhere, redirector]) {
        s.closeAllConnections();
        s.close();
      }
    }
  });

  test("no token and no value in any error, however it is printed", async () => {
    const token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SECRET-TOKEN.sig";
    const value = "SECRET-VALUE-3f9e";
    const credential = async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
    const answers = [
      () => ({ status: 404, body: `{"error":{"code":"SecretNotFound","message":"A secret with (name/id) k was not found"}}` }),
      () => ({ status: 403, body: '{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret."}}' }),
      () => ({ status: 200, body: `{"value":"${value}"` }),
      () => ({ status: 401, body: '{"error":{"code":"Unauthorized","message":"AKV10022: Invalid audience."}}' }),
      () => {
        throw new Error("socket hang up");
      },
    ];
    // Every console method is recorded while the error paths run: the client must log nothing
    // that holds the token or the value (it logs nothing at all).
    const logged = [];
    const methods = ["log", "info", "warn", "error", "debug", "trace"];
    const saved = methods.map((m) => console[m]);
    methods.forEach((m) => (console[m] = (...args) => logged.push(args.map((a) => inspect(a)).join(" "))));
    const errors = [];
    try {
      for (const answer of answers) {
        const { httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : answer()));
        const client = new KeyClient(vault, credential, { httpClient, retryOptions: { maxRetries: 0 } });
        errors.push(await client.getKey("k").catch((e) => e));
        errors.push(await client.setKey("k", value, { tags: { t: 1 } }).catch((e) => e));
      }
      const failing = new KeyClient(vault, async () => {
        throw new Error("no credential");
      }, { httpClient: scripted(() => unauthorized()).httpClient });
      errors.push(await failing.setKey("k", value).catch((e) => e));
      const controller = new AbortController();
      controller.abort();
      errors.push(await failing.setKey("k", value, { abortSignal: controller.signal }).catch((e) => e));
    } finally {
      methods.forEach((m, i) => (console[m] = saved[i]));
    }
    assert.deepEqual(logged, [], "the client logged something");
    for (const e of errors) {
      assert.ok(e instanceof Error, String(e));
      for (const text of [String(e), e.stack, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })]) {
        assert.ok(!text.includes("SECRET-TOKEN"), `token in: ${text}`);
        assert.ok(!text.includes(value), `value in: ${text}`);
      }
    }
  });
});

/** A local server answering with `handler`; counts requests. Closed after the file. */
async function localServer(handler, make = createServer, options) {
  const server = options ? make(options, handler) : make(handler);
  server.requests = 0;
  server.connections = 0;
  server.on("request", () => (server.requests += 1));
  server.on("connection", () => (server.connections += 1));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  after(() => {
    server.closeAllConnections?.();
    server.close();
  });
  return server;
}
const signedIn = (handler) => (req, res) =>
  req.headers.authorization ? handler(req, res) : res.writeHead(401, { "www-authenticate": CHALLENGE }).end("{}");
const tokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** `call()`'s error, and how long it took; it must reject. */
async function timedRejection(call) {
  const started = Date.now();
  const err = await call().then(
    (v) => assert.fail(`resolved with ${JSON.stringify(v)?.slice(0, 80)}`),
    (e) => e,
  );
  return { err, ms: Date.now() - started };
}

describe("failures another try cannot mend end the call at once", () => {
  // The default retry options throughout: a retried failure would take up to a minute.
  const HUGE = `Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net", pad="${"p".repeat(109_000)}"`;

  test("a 109 KB WWW-Authenticate: the Node transport, an official HttpClient and an httpClient each try once", { timeout: 20_000 }, async () => {
    const server = await localServer((req, res) => res.writeHead(401, { "www-authenticate": HUGE }).end("{}"));
    const url = `http://127.0.0.1:${server.address().port}`;

    const node = await timedRejection(() => new KeyClient(url, async () => "t", emulatorOptions).getKey("k"));
    assert.ok(node.err instanceof KeyVaultError, String(node.err));
    assert.equal(node.err.code, "REQUEST_SEND_ERROR");
    assert.match(node.err.message, /^GET http:\/\/127\.0\.0\.1:\d+\/secrets\/k failed: malformed HTTP response: the response head is too large; not retried: the response cannot be read$/);
    assert.equal(server.requests, 1, "one try");

    const official = await timedRejection(() =>
      new SecretClient(url, tokenCredential, { ...emulatorOptions, httpClient: createDefaultHttpClient() }).getSecret("k"),
    );
    assert.ok(official.err instanceof RestError, String(official.err));
    assert.equal(official.err.code, "REQUEST_SEND_ERROR");
    assert.match(official.err.message, /failed: Parse Error: Header overflow; not retried: the response cannot be read$/);
    assert.equal(server.requests, 2, "one try");

    // An httpClient that hands the header over: refused before it reaches the core.
    let tries = 0;
    const httpClient = {
      async sendRequest() {
        tries += 1;
        return { status: 401, headers: { "www-authenticate": HUGE }, bodyAsText: "{}" };
      },
    };
    const given = await timedRejection(() => new KeyClient(url, async () => "t", { ...emulatorOptions, httpClient }).getKey("k"));
    assert.equal(given.err.code, "REQUEST_SEND_ERROR");
    assert.match(given.err.message, /failed: the response's www-authenticate header is longer than 16384 characters; not retried: the response cannot be read$/);
    assert.equal(tries, 1);
    for (const { ms } of [node, official, given]) assert.ok(ms < 5000, `${ms} ms`);
  });

  // (node:http and fetch parse the URL first, which drops tabs: they send another page.)
  test("a same-origin nextLink with a tab: the Node transport never sends the page, and the call fails at once", { timeout: 20_000 }, async () => {
    const pages = [];
    const server = await localServer(
      signedIn((req, res) => {
        pages.push(req.url);
        const origin = `http://127.0.0.1:${server.address().port}`;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ value: [{ id: `${origin}/secrets/a` }], nextLink: `${origin}/secrets?api-version=2025-07-01&$skiptoken=a\tb` }));
      }),
    );
    const url = `http://127.0.0.1:${server.address().port}`;
    const clients = {
      root: () => new KeyClient(url, async () => "t", emulatorOptions).listPropertiesOfKeys(),
      secrets: () => new SecretClient(url, tokenCredential, emulatorOptions).listPropertiesOfSecrets(),
    };
    for (const [label, list] of Object.entries(clients)) {
      pages.length = 0;
      const names = [];
      const { err, ms } = await timedRejection(async () => {
        for await (const item of list()) names.push(item.name);
      });
      assert.deepEqual(names, ["a"], label);
      assert.equal(err.code, "REQUEST_SEND_ERROR", `${label}: ${err.message}`);
      assert.match(err.message, /unescaped characters.*; not retried: the request cannot be sent as built$/is, label);
      assert.deepEqual(pages, ["/secrets?api-version=2025-07-01"], `${label}: only the first page was sent`);
      assert.ok(ms < 5000, `${label}: ${ms} ms`);
    }
  });

  test("a certificate the client does not trust: one connection, not retried", { timeout: 20_000 }, async (t) => {
    let dir, key, cert;
    try {
      dir = mkdtempSync(join(tmpdir(), "reliability-"));
      ({ key, cert } = selfSignedCertificate(dir, "localhost", "DNS:localhost,IP:127.0.0.1"));
    } catch (e) {
      return t.skip(`openssl could not make a self-signed certificate (${e.code ?? e.message})`);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    const server = await localServer((req, res) => res.end("{}"), createHttpsServer, { key, cert });
    const client = new KeyClient(`https://localhost:${server.address().port}`, async () => "t", { disableChallengeResourceVerification: true });
    const { err, ms } = await timedRejection(() => client.getKey("k"));
    assert.equal(err.code, "REQUEST_SEND_ERROR");
    assert.match(err.message, /self[- ]signed certificate; not retried: the TLS connection cannot be made$/);
    assert.equal(server.connections, 1, "one connection");
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test("the core decides from the error's code: connection failures are retried, an unresolved name once, the rest not", async () => {
    const cases = {
      ECONNRESET: 3,
      ECONNREFUSED: 3,
      ETIMEDOUT: 3,
      // A name not resolved: one retry at most, then it names the host.
      ENOTFOUND: 2,
      EAI_AGAIN: 2,
      "": 3, // no code: not known to be final
      HPE_HEADER_OVERFLOW: 1,
      HPE_INVALID_CONSTANT: 1,
      ERR_UNESCAPED_CHARACTERS: 1,
      ERR_INVALID_URL: 1,
      ERR_INVALID_CHAR: 1,
      DEPTH_ZERO_SELF_SIGNED_CERT: 1,
      CERT_HAS_EXPIRED: 1,
      ERR_TLS_CERT_ALTNAME_INVALID: 1,
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 1,
      ERR_SSL_WRONG_VERSION_NUMBER: 1,
    };
    for (const [code, expected] of Object.entries(cases)) {
      for (const shape of ["own", "cause"]) {
        // fetch's errors carry the reason in their cause.
        const error = () => {
          const own = Object.assign(new Error(`failure ${code}`), code ? { code } : {});
          return shape === "own" ? own : new TypeError("fetch failed", { cause: own });
        };
        const { sent, httpClient } = scripted((r, n) => {
          if (n === 1) return unauthorized();
          throw error();
        });
        const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions: { maxRetries: 2, retryDelayInMs: 1 } });
        const err = await client.getKey("k").catch((e) => e);
        assert.equal(err.code, "REQUEST_SEND_ERROR", `${code} ${shape}`);
        assert.equal(sent.length - 1, expected, `${code} (${shape}): tries`);
        assert.equal(/; not retried: /.test(err.message), expected === 1, `${code} ${shape}: ${err.message}`);
        if (expected === 2) assert.match(err.message, /the vault's host name [^ ]+ could not be resolved/, err.message);
      }
    }
  });
});

describe("Retry-After", () => {
  const busy = (retryAfter) => ({ status: 503, headers: { "retry-after": retryAfter }, body: '{"error":{"code":"ServiceUnavailable","message":"busy"}}' });

  test("61 s or 1e9 s is waited for at most maxRetryDelayInMs, then the call is retried", async () => {
    for (const retryAfter of ["61", "1000000000"]) {
      const times = [];
      const { sent, httpClient } = scripted((r, n) => {
        times.push(Date.now());
        return n === 1 ? unauthorized() : n === 2 ? busy(retryAfter) : ok();
      });
      const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions: { maxRetryDelayInMs: 50 } });
      assert.equal((await client.getKey("k")).value, "v", retryAfter);
      assert.equal(sent.length, 3, retryAfter);
      const waited = times[2] - times[1];
      assert.ok(waited >= 45 && waited < 2000, `${retryAfter}: waited ${waited} ms`);
    }
  });

  test("at full size (timers mocked): 61 s under a 120 s cap waits 61 s; 1e9 s waits 120 s; the defaults wait 60 s", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const cases = [
      [{ maxRetryDelayInMs: 120_000 }, "61", 61_000],
      [{ maxRetryDelayInMs: 120_000 }, "1000000000", 120_000],
      [undefined, "61", 60_000],
      [undefined, "60", 60_000],
    ];
    for (const [retryOptions, retryAfter, wait] of cases) {
      const label = `${JSON.stringify(retryOptions)} Retry-After ${retryAfter}`;
      const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : n === 2 ? busy(retryAfter) : ok()));
      const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions });
      let settled;
      const call = client.getKey("k").then(
        (k) => (settled = k.value),
        (e) => (settled = e),
      );
      const turns = async () => {
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      };
      await turns();
      assert.equal(settled, undefined, `${label}: the 503 ended the call: ${settled?.message}`);
      assert.equal(sent.length, 2, label);
      t.mock.timers.tick(wait - 1);
      await turns();
      assert.equal(sent.length, 2, `${label}: retried before ${wait} ms`);
      t.mock.timers.tick(1);
      await turns();
      await call;
      assert.equal(settled, "v", label);
      assert.equal(sent.length, 3, label);
    }
  });

  test("maxRetryElapsedTimeInMs: no retry is scheduled once it has passed since the call began", async () => {
    const tries = async (retryOptions) => {
      const { sent, httpClient } = scripted((r, n) => (n === 1 ? unauthorized() : { status: 503, headers: { "retry-after-ms": "100" } }));
      const client = new KeyClient(vault, async () => "t", { httpClient, retryOptions });
      const err = await client.getKey("k").catch((e) => e);
      assert.equal(err.statusCode, 503);
      return sent.length - 1;
    };
    // Tries at about 0, 100 and 200 ms: the third is scheduled before 150 ms, a fourth would not be.
    const bounded = await tries({ maxRetryElapsedTimeInMs: 150 });
    assert.ok(bounded >= 2 && bounded <= 3, `${bounded} tries`);
    assert.equal(await tries({ maxRetryElapsedTimeInMs: 0 }), 1, "no retry at all");
    assert.equal(await tries({ maxRetries: 3 }), 4, "the default budget leaves maxRetries to decide");
  });
});

describe("errors users read", () => {
  test("a vault host that does not resolve fails within seconds, naming the host (one retry at most)", async () => {
    // `.invalid` never resolves (RFC 2606): the real resolver answers, through the Node transport.
    const client = new KeyClient("https://no-such-vault.invalid", async () => "t");
    const started = Date.now();
    const err = await client.getKey("k").catch((e) => e);
    const ms = Date.now() - started;
    assert.ok(err instanceof KeyVaultError, String(err));
    assert.equal(err.code, "REQUEST_SEND_ERROR");
    assert.match(err.message, /^GET https:\/\/no-such-vault\.invalid\/secrets\/k failed: the vault's host name no-such-vault\.invalid could not be resolved \(/);
    assert.ok(ms < 5_000, `${ms} ms`);
  });

  test("a credential's message is kept to the end of its first sentence, never cut inside a word", async () => {
    const first =
      "ClientSecretCredential authentication failed: the client secret of app '00000000-0000-0000-0000-000000000000' is not valid in tenant 72f988bf-86f1-41af-91ab-2d7cd011db47.";
    const rest = " Trace ID: 1234. Correlation ID: 5678. Timestamp: 2026-11-30 10:00:00Z";
    const { httpClient } = scripted(() => unauthorized());
    const client = new KeyClient(vault, { getToken: async () => Promise.reject(new Error(first + rest)) }, { httpClient });
    const err = await client.getKey("k").catch((e) => e);
    assert.ok(err instanceof AuthenticationError, String(err));
    assert.equal(err.message, `the credential failed to provide a token: ${first}`);
  });
});
