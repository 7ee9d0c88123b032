// A server that answers badly in every way a response can be bad. Each call ends in a
// KeyVaultError (a RestError through the /secrets drop-in; an AbortError for a body that never
// ends), never a crash, a hang or a dead wasm instance: the same client answers correctly
// afterwards.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { AbortError, KeyClient, KeyVaultError } from "keyvault-keys-wasm";
import { RestError, SecretClient } from "keyvault-keys-wasm/secrets";

const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"';
let server, url, client, secrets;
const good = (origin, name) =>
  JSON.stringify({ value: "fine", id: `${origin}/secrets/${name}/0123456789abcdef0123456789abcdef`, attributes: { enabled: true, created: 1, updated: 1 } });

/** What the server does for GET /secrets/{name}. */
const behaviours = {
  good: (res, origin) => res.writeHead(200, { "content-type": "application/json" }).end(good(origin, "good")),
  truncated: (res) => res.writeHead(200).end('{"value":"x","id":"http://h/secrets/truncated/0123'),
  wrongtypes: (res) => res.writeHead(200).end('{"value":1,"id":5,"attributes":"yes"}'),
  missingid: (res) => res.writeHead(200).end('{"value":"x"}'),
  nullvalue: (res) => res.writeHead(200).end('{"value":null,"id":"http://h/secrets/nullvalue/0123456789abcdef0123456789abcdef"}'),
  foreignid: (res) => res.writeHead(200).end('{"value":"x","id":"http://h/keys/k/v"}'),
  badtimes: (res) => res.writeHead(200).end('{"value":"x","id":"http://h/secrets/badtimes/v","attributes":{"created":"yesterday"}}'),
  hugenumbers: (res) => res.writeHead(200).end('{"value":"x","id":"http://h/secrets/hugenumbers/v","attributes":{"exp":1e400}}'),
  html200: (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to nginx!</body></html>"),
  empty200: (res) => res.writeHead(200).end(),
  deep: (res) => res.writeHead(200).end("[".repeat(200_000)),
  nonjson500: (res) => res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error"),
  html502: (res) => res.writeHead(502).end("<html>Bad Gateway</html>"),
  oddError: (res) => res.writeHead(404).end('{"error":"nope"}'),
  status299: (res) => res.writeHead(299).end("{}"),
  reset: (res) => res.socket.destroy(),
  huge: (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(1 << 20, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < 50) {
        sent += 1;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    res.write('{"value":"');
    pump();
  },
  drip: (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => res.write(" "), 100);
    res.on("close", () => clearInterval(timer));
  },
};

before(async () => {
  server = createServer((req, res) => {
    if (!req.headers.authorization) {
      res.writeHead(401, { "www-authenticate": CHALLENGE, "content-type": "application/json" });
      return res.end('{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}');
    }
    const name = new URL(req.url, "http://x").pathname.split("/")[2];
    (behaviours[name] ?? ((r) => r.writeHead(404).end()))(res, url);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  const options = {
    allowInsecureConnection: true,
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 2, retryDelayInMs: 5 },
  };
  client = new KeyClient(url, async () => "t", options);
  secrets = new SecretClient(url, async () => "t", options);
});
after(() => {
  server?.closeAllConnections();
  server?.close();
});

const EXPECTED = {
  truncated: [200, "PARSE_ERROR"],
  wrongtypes: [200, "PARSE_ERROR"],
  missingid: [200, "PARSE_ERROR"],
  nullvalue: [200, "PARSE_ERROR"],
  foreignid: [200, "PARSE_ERROR"],
  badtimes: [200, "PARSE_ERROR"],
  hugenumbers: [200, "PARSE_ERROR"],
  html200: [200, "PARSE_ERROR"],
  empty200: [200, "PARSE_ERROR"],
  deep: [200, "PARSE_ERROR"],
  nonjson500: [500, undefined],
  html502: [502, undefined],
  oddError: [404, undefined],
  status299: [299, "PARSE_ERROR"],
  reset: [undefined, "REQUEST_SEND_ERROR"],
  huge: [200, "PARSE_ERROR"],
};

/** Every malformed answer to `get(name)`: each must reject with `ErrorClass`; returns [statusCode, code] per behaviour. */
async function outcomes(get, ErrorClass) {
  const out = {};
  for (const name of Object.keys(behaviours).filter((n) => n !== "good" && n !== "drip")) {
    const err = await get(name).then(
      (k) => assert.fail(`${name}: resolved with ${JSON.stringify(k).slice(0, 80)}`),
      (e) => e,
    );
    assert.ok(err instanceof ErrorClass, `${name}: ${err?.name} ${err?.message}`);
    out[name] = [err.statusCode, err.code];
  }
  return out;
}

test("every malformed response is a KeyVaultError", async () => {
  assert.deepEqual(await outcomes((name) => client.getKey(name), KeyVaultError), EXPECTED);
  console.log(`# ${Object.keys(EXPECTED).length + 1} malformed responses handled`);
});

test("through the /secrets drop-in, every malformed response is a RestError with the same status and code", async () => {
  assert.deepEqual(await outcomes((name) => secrets.getSecret(name), RestError), EXPECTED);
  assert.equal((await secrets.getSecret("good")).value, "fine");
});

test("a body that never ends is cut off by timeoutInMs", async () => {
  const err = await client.getKey("drip", { timeoutInMs: 400 }).catch((e) => e);
  assert.ok(err instanceof AbortError, String(err));
});

test("the wasm instance is alive and correct afterwards", async () => {
  const key = await client.getKey("good");
  assert.equal(key.value, "fine");
  assert.equal(key.properties.version, "0123456789abcdef0123456789abcdef");
});
