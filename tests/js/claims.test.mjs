// Claims of README.md and the .d.ts files that only real processes can show, each checked with
// one: a browser that refuses redirects and sends `x-ms-useragent` (Chromium, through a
// recording front server before the emulator); the Node transport's keep-alive (connections
// counted at a TCP proxy) and its retries of refused connections (a port that starts listening
// a second later); and `timeoutInMs` on pollers, listings, backup and restore (a server that
// never answers, or a deletion the emulator keeps invisible), for every entry where the option
// exists.
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { AbortError, KeyClient } from "keyvault-keys-wasm";
import { KeyClient as KeysClient } from "keyvault-keys-wasm/keys";
import { SecretClient } from "keyvault-keys-wasm/secrets";
import { openBrowserPage } from "./browsers.mjs";
import { emulatorOptions, repoFile, servePackageFiles, startEmulator, uniqueName } from "./helpers.mjs";

const VERSION = JSON.parse(readFileSync(repoFile("package.json"), "utf8")).version;
const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/tenant-a", resource="https://vault.azure.net"';
const token = async () => ({ token: "claims-token", expiresOnTimestamp: Date.now() + 3_600_000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let emulator, emulatorPort;
const servers = [];
const sockets = new Set();

before(async () => {
  // Deleted objects stay invisible for a minute: a delete poller keeps polling (the service's
  // 404 window) for as long as a test needs.
  emulator = await startEmulator(["--delete-visibility-delay-ms", "60000"]);
  emulatorPort = Number(new URL(emulator.url).port);
});

after(async () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
  await emulator?.stop();
});

/** `server` listening on 127.0.0.1:`port` (0: any), its sockets destroyed after the file; with `url`. */
async function listen(server, port = 0) {
  servers.push(server);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  server.url = `http://127.0.0.1:${server.address().port}`;
  return server;
}

/** A port nothing listens on (for now). */
async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to the emulator; `accepted` counts the connections clients opened to it. */
async function tcpProxy(port = 0) {
  const server = net.createServer((client) => {
    server.accepted += 1;
    const upstream = net.connect(emulatorPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.accepted = 0;
  return listen(server, port);
}

/** The promise's outcome, or a failure if it has not settled within `ms`. */
async function settledWithin(promise, ms, what) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms, "late")));
  const outcome = await Promise.race([promise.then((value) => ({ value }), (error) => ({ error })), late]);
  clearTimeout(timer);
  assert.notEqual(outcome, "late", `${what}: not settled after ${ms} ms`);
  return outcome;
}

// --- Browsers: redirects refused, x-ms-useragent sent ----------------------------------------

describe("the browser entries in Chromium", () => {
  let files, page, front, elsewhere;

  before(async () => {
    // Another origin a redirect would lead to: it records anything that reaches it and answers
    // like a vault (CORS, a bundle), so a client that followed the redirect would succeed.
    elsewhere = createServer((req, res) => {
      elsewhere.seen.push(`${req.method} ${req.url} authorization=${req.headers.authorization ?? "-"}`);
      const cors = {
        "access-control-allow-origin": req.headers.origin ?? "*",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
        "access-control-allow-methods": "GET, PUT, PATCH, POST, DELETE",
        "access-control-expose-headers": "*",
      };
      if (req.method === "OPTIONS") return res.writeHead(204, cors).end();
      const name = new URL(req.url, "http://x").pathname.split("/")[2];
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end(
        JSON.stringify({ value: "followed", id: `${front.url}/secrets/${name}/0123456789abcdef0123456789abcdef`, attributes: { enabled: true } }),
      );
    });
    elsewhere.seen = [];
    await listen(elsewhere);
    // The vault the page talks to: the emulator behind a server that records every request
    // (preflights too) and answers the names redirect302 / redirect307 with that redirect to
    // `elsewhere` once the request carries a token.
    front = createServer((req, res) => {
      front.seen.push({ method: req.method, path: new URL(req.url, "http://x").pathname, headers: req.headers });
      const redirect = /^\/secrets\/redirect(30[27])$/.exec(new URL(req.url, "http://x").pathname);
      if (redirect && req.method !== "OPTIONS" && req.headers.authorization) {
        res
          .writeHead(Number(redirect[1]), {
            location: `${elsewhere.url}${req.url}`,
            "access-control-allow-origin": req.headers.origin ?? "*",
            "access-control-expose-headers": "*",
          })
          .end();
        return;
      }
      const upstream = httpRequest({ host: "127.0.0.1", port: emulatorPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    front.seen = [];
    await listen(front);
    files = await servePackageFiles("claims");
    page = await openBrowserPage("chromium", files.origin + "/");
  });

  after(async () => {
    const errors = await page?.pageErrors();
    await page?.close();
    files?.close();
    assert.deepEqual(errors ?? [], [], "no page errors");
  });

  test("a 302 or 307 to another origin is not followed: the call fails, nothing reaches the other origin", async () => {
    front.seen.length = 0;
    const result = await page.run(
      async ({ vaultUrl }) => {
        const { KeyClient, KeyVaultError } = await import("/js/browser.mjs");
        const client = new KeyClient(vaultUrl, async () => "browser-token", {
          allowInsecureConnection: true,
          disableChallengeResourceVerification: true,
          // Short waits: were a redirect retried, the count of tries below would show it.
          retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 40 },
        });
        const outcome = (p) =>
          p.then(
            (v) => ({ resolved: v.value }),
            (e) => ({ keyVaultError: e instanceof KeyVaultError, code: e.code, statusCode: e.statusCode ?? null, message: e.message }),
          );
        return { r302: await outcome(client.getKey("redirect302")), r307: await outcome(client.getKey("redirect307")) };
      },
      { vaultUrl: front.url },
    );
    for (const status of ["302", "307"]) {
      const r = result[`r${status}`];
      assert.equal(r.resolved, undefined, `${status} was followed`);
      assert.equal(r.keyVaultError, true, JSON.stringify(r));
      assert.equal(r.code, "REQUEST_SEND_ERROR", JSON.stringify(r));
      assert.match(r.message, /redirect.*; not retried: /, JSON.stringify(r));
    }
    assert.deepEqual(elsewhere.seen, [], "no request, not even a preflight, reached the other origin");
    const gets = front.seen.filter((r) => r.method === "GET").map((r) => `${r.path} ${r.headers.authorization ? "token" : "no token"}`);
    // The challenge probe (answered by the emulator), then one try with a token: a redirect is final.
    assert.deepEqual(gets, [
      "/secrets/redirect302 no token",
      "/secrets/redirect302 token",
      "/secrets/redirect307 token",
    ]);
  });

  test("every entry sends its User-Agent as x-ms-useragent (browsers do not let a page set User-Agent)", async () => {
    front.seen.length = 0;
    const name = uniqueName("ua");
    const result = await page.run(
      async ({ vaultUrl, name }) => {
        const options = (userAgentPrefix) => ({
          allowInsecureConnection: true,
          disableChallengeResourceVerification: true,
          userAgentOptions: { userAgentPrefix },
        });
        const credential = { getToken: async () => ({ token: "browser-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
        const { KeyClient } = await import("/js/browser.mjs");
        const root = new KeyClient(vaultUrl, credential, options("claims-root"));
        await root.setKey(`${name}-root`, "v");
        await root.getKey(`${name}-root`);
        const { SecretClient } = await import("/js/secrets-browser.mjs");
        const secrets = new SecretClient(vaultUrl, credential, options("claims-secrets"));
        await secrets.setSecret(`${name}-secrets`, "v");
        await secrets.getSecret(`${name}-secrets`);
        const { KeyClient: KeysClient } = await import("/js/keys-browser.mjs");
        const keys = new KeysClient(vaultUrl, credential, options("claims-keys"));
        await keys.createEcKey(`${name}-keys`, { curve: "P-256" });
        await keys.getKey(`${name}-keys`);
        return navigator.userAgent;
      },
      { vaultUrl: front.url, name },
    );
    const sent = front.seen.filter((r) => r.method !== "OPTIONS");
    // Each entry: the probe and two calls.
    assert.equal(sent.length, 9, JSON.stringify(sent.map((r) => `${r.method} ${r.path}`)));
    for (const r of sent) {
      const entry = r.path.endsWith("-root") ? "root" : r.path.includes("-secrets") ? "secrets" : "keys";
      assert.equal(r.headers["x-ms-useragent"], `claims-${entry} keyvault-keys-wasm/${VERSION}`, `${r.method} ${r.path}`);
      assert.equal(r.headers["user-agent"], result, "User-Agent stays the browser's own");
    }
    assert.deepEqual(
      [...new Set(sent.map((r) => r.path.replace(/-[a-z0-9]+-[a-z0-9]+-(root|secrets|keys)/, "-$1")))].sort(),
      [`/keys/ua-keys`, `/keys/ua-keys/create`, `/secrets/ua-root`, `/secrets/ua-secrets`],
    );
    const preflights = front.seen.filter((r) => r.method === "OPTIONS");
    assert.ok(preflights.length > 0 && preflights.every((r) => r.headers["access-control-request-headers"].split(",").includes("x-ms-useragent")));
  });
});

// --- Node: keep-alive and refused connections --------------------------------------------------

describe("the Node transport", () => {
  const entries = {
    root: async (url) => {
      const c = new KeyClient(url, token, emulatorOptions);
      const name = uniqueName("alive");
      await c.setKey(name, "v");
      for (let i = 0; i < 9; i++) assert.equal((await c.getKey(name)).value, "v");
    },
    secrets: async (url) => {
      const c = new SecretClient(url, token, emulatorOptions);
      const name = uniqueName("alive");
      await c.setSecret(name, "v");
      for (let i = 0; i < 9; i++) assert.equal((await c.getSecret(name)).value, "v");
    },
    keys: async (url) => {
      const c = new KeysClient(url, token, emulatorOptions);
      const name = uniqueName("alive");
      await c.createEcKey(name, { curve: "P-256" });
      for (let i = 0; i < 9; i++) assert.equal((await c.getKey(name)).name, name);
    },
  };
  for (const [entry, run] of Object.entries(entries)) {
    test(`${entry}: the challenge and 10 sequential calls use one keep-alive connection`, async () => {
      const proxy = await tcpProxy();
      await run(proxy.url);
      assert.equal(proxy.accepted, 1, `${proxy.accepted} connections`);
    });
  }

  test("a refused connection is retried: a vault that starts listening after a second is reached", async () => {
    const port = await freePort();
    const attempts = { refused: 0, connected: 0 };
    const onSocket = ({ socket }) => {
      socket.once("error", (e) => {
        if (e.code === "ECONNREFUSED" && e.port === port) attempts.refused += 1;
      });
      socket.once("connect", () => {
        if (socket.remotePort === port) attempts.connected += 1;
      });
    };
    subscribe("net.client.socket", onSocket);
    let proxy;
    try {
      const client = new KeyClient(`http://127.0.0.1:${port}`, token, { ...emulatorOptions, retryOptions: { retryDelayInMs: 100, maxRetryDelayInMs: 400 } });
      const name = uniqueName("refused");
      const started = Date.now();
      const opening = sleep(1000).then(async () => (proxy = await tcpProxy(port)));
      const { value: key, error } = await settledWithin(client.setKey(name, "after the refusals"), 10_000, "setKey");
      await opening;
      assert.equal(error, undefined, String(error));
      assert.equal(key.value, "after the refusals");
      assert.ok(Date.now() - started >= 1000, "succeeded only once the port listened");
      assert.ok(attempts.refused >= 2, `refused attempts: ${attempts.refused}`);
      assert.equal(attempts.connected, 1, "then one connection, kept for the challenge and the call");
      assert.equal(proxy.accepted, 1);
      const versions = [];
      for await (const p of new KeyClient(emulator.url, token, emulatorOptions).listPropertiesOfKeyVersions(name)) versions.push(p.version);
      assert.deepEqual(versions, [key.properties.version], "stored once");
    } finally {
      unsubscribe("net.client.socket", onSocket);
    }
  });
});

// --- timeoutInMs -------------------------------------------------------------------------------

const TIMEOUT = 300;

/** Asserts `call()` rejects with the timeout's AbortError, not before TIMEOUT ms and well within a second after. */
async function timesOut(what, call) {
  const started = Date.now();
  const { value, error } = await settledWithin(call(), 3000, what);
  const elapsed = Date.now() - started;
  assert.equal(value, undefined, `${what}: resolved`);
  assert.equal(error?.name, "AbortError", `${what}: ${error}`);
  assert.ok(error instanceof AbortError, `${what}: the package's AbortError`);
  assert.match(error.message, new RegExp(`timed out after ${TIMEOUT} ms`), what);
  assert.ok(elapsed >= TIMEOUT - 20 && elapsed < TIMEOUT + 1000, `${what}: ${elapsed} ms`);
}

describe("timeoutInMs", () => {
  test("root: pollUntilDone({ timeoutInMs }) rejects while the deletion is still invisible, and polling stops", async () => {
    const client = new KeyClient(emulator.url, token, emulatorOptions);
    const name = uniqueName("poll-timeout");
    await client.setKey(name, "v");
    const poller = await client.beginDeleteKey(name, { intervalInMs: 50 });
    assert.equal(poller.isDone(), false);
    await timesOut("pollUntilDone", () => poller.pollUntilDone({ timeoutInMs: TIMEOUT }));
    assert.equal(poller.isDone(), false);
    const stats = async () => (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).byRoute["GET /deletedsecrets/{name}"];
    const polls = await stats();
    assert.ok(polls >= 3, `${polls} polls within the timeout`);
    await sleep(300);
    assert.equal(await stats(), polls, "no poll after the timeout");
  });

  /** A vault that answers the challenge and nothing else: every request with a token hangs. */
  async function silentVault() {
    const server = createServer((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { "www-authenticate": CHALLENGE, "content-type": "application/json" }).end('{"error":{"code":"Unauthorized","message":"AKV10000"}}');
        return;
      }
      const entry = { call: `${req.method} ${new URL(req.url, "http://x").pathname}`, closed: false };
      server.hung.push(entry);
      req.resume();
      res.on("close", () => (entry.closed = true));
    });
    server.hung = [];
    return listen(server);
  }

  const backup = new Uint8Array([1, 2, 3, 4]);
  const calls = {
    root: (c) => ({
      "listPropertiesOfKeys next()": () => c.listPropertiesOfKeys({ timeoutInMs: TIMEOUT }).next(),
      "listPropertiesOfKeys byPage().next()": () => c.listPropertiesOfKeys({ timeoutInMs: TIMEOUT }).byPage({ maxPageSize: 5 }).next(),
      "listPropertiesOfKeyVersions next()": () => c.listPropertiesOfKeyVersions("k", { timeoutInMs: TIMEOUT }).next(),
      "listDeletedKeys byPage().next()": () => c.listDeletedKeys({ timeoutInMs: TIMEOUT }).byPage().next(),
      backupKey: () => c.backupKey("k", { timeoutInMs: TIMEOUT }),
      restoreKeyBackup: () => c.restoreKeyBackup(backup, { timeoutInMs: TIMEOUT }),
      beginDeleteKey: () => c.beginDeleteKey("k", { timeoutInMs: TIMEOUT }),
    }),
    secrets: (c) => ({
      "listPropertiesOfSecrets next()": () => c.listPropertiesOfSecrets({ timeoutInMs: TIMEOUT }).next(),
      "listPropertiesOfSecrets byPage().next()": () => c.listPropertiesOfSecrets({ timeoutInMs: TIMEOUT }).byPage({ maxPageSize: 5 }).next(),
      "listPropertiesOfSecretVersions next()": () => c.listPropertiesOfSecretVersions("k", { timeoutInMs: TIMEOUT }).next(),
      "listDeletedSecrets byPage().next()": () => c.listDeletedSecrets({ timeoutInMs: TIMEOUT }).byPage().next(),
      backupSecret: () => c.backupSecret("k", { timeoutInMs: TIMEOUT }),
      restoreSecretBackup: () => c.restoreSecretBackup(backup, { timeoutInMs: TIMEOUT }),
      beginDeleteSecret: () => c.beginDeleteSecret("k", { timeoutInMs: TIMEOUT }),
    }),
  };
  // The /keys KeyClient has the root KeyClient's names for these.
  calls.keys = calls.root;
  const clients = { root: KeyClient, secrets: SecretClient, keys: KeysClient };
  for (const [entry, callsOf] of Object.entries(calls)) {
    test(`${entry}: listings, backup, restore and a poller's start reject at timeoutInMs against a vault that never answers, and drop their request`, async () => {
      const vault = await silentVault();
      const client = new clients[entry](vault.url, token, emulatorOptions);
      // Past the challenge first, so that each call's one request is the one that hangs.
      await assert.rejects((client.getKey ?? client.getSecret).call(client, "k", { timeoutInMs: TIMEOUT }), { name: "AbortError" });
      const all = Object.entries(callsOf(client));
      vault.hung.length = 0;
      await Promise.all(all.map(([what, call]) => timesOut(`${entry} ${what}`, call)));
      assert.equal(vault.hung.length, all.length, JSON.stringify(vault.hung));
      await sleep(100);
      assert.deepEqual(vault.hung.filter((h) => !h.closed), [], "every hung request was dropped by the client");
    });
  }
});
