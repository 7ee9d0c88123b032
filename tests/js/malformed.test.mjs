// A server that answers badly in every way a response can be bad. Each call ends in a
// KeyVaultError (a RestError through the /secrets and /keys drop-ins; an AbortError for a body
// that never ends within timeoutInMs, a REQUEST_SEND_ERROR when it outlasts the try timeout),
// never a crash, a hang or a dead wasm instance: the same client answers correctly afterwards. The keys plane's answers (keys, listings, rotation policies, random
// bytes, cryptographic results) are read as strictly; local cryptography with key material of
// the wrong length ends promptly, with no request.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { AbortError, KeyClient, KeyVaultError } from "keyvault-keys-wasm";
import { CryptographyClient, KeyClient as KeysClient, RestError as KeysRestError } from "keyvault-keys-wasm/keys";
import { RestError, SecretClient } from "keyvault-keys-wasm/secrets";

const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"';
const V = "0123456789abcdef0123456789abcdef";
let server, url, client, secrets, keys;
/** Set when the server has begun a body it never finishes. */
let stalled = false;
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
  // Valid JSON, one byte over the limit (exactly at it is read: see "exactly 16 MiB" below).
  huge: (res, origin) => sized(res, origin, "huge", (16 << 20) + 1),
  exact: (res, origin) => sized(res, origin, "exact", 16 << 20),
  nonhexversion: (res, origin) => res.writeHead(200).end(JSON.stringify({ value: "x", id: `${origin}/secrets/nonhexversion/not-a-hex-version-at-all-00000000` })),
  shortversion: (res, origin) => res.writeHead(200).end(JSON.stringify({ value: "x", id: `${origin}/secrets/shortversion/0123abcd` })),
  // Integers a Date cannot hold (Invalid Date): past +-8.64e12 s.
  farfuture: (res, origin) => res.writeHead(200).end(JSON.stringify({ value: "x", id: `${origin}/secrets/farfuture/${V}`, attributes: { exp: 9e15 } })),
  farpast: (res, origin) => res.writeHead(200).end(JSON.stringify({ value: "x", id: `${origin}/secrets/farpast/${V}`, attributes: { created: -8.64e12 - 1 } })),
  othername: (res, origin) => res.writeHead(200).end(good(origin, "someone-else")),
  // Another case of the name asked for: the same secret (names are case-insensitive).
  casename: (res, origin) => res.writeHead(200, { "content-type": "application/json" }).end(good(origin, "CaseName")),
  stall: (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"value":"never ends');
    stalled = true;
  },
  drip: (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => res.write(" "), 100);
    res.on("close", () => clearInterval(timer));
  },
};

/** A valid secret bundle for `name` of exactly `total` bytes, sent chunked. */
function sized(res, origin, name, total) {
  const head = Buffer.from('{"value":"');
  const tail = Buffer.from(`","id":"${origin}/secrets/${name}/${V}","attributes":{"enabled":true,"created":1,"updated":1}}`);
  const body = Buffer.concat([head, Buffer.alloc(total - head.length - tail.length, 0x61), tail]);
  res.writeHead(200, { "content-type": "application/json" });
  for (let at = 0; at < body.length; at += 1 << 20) res.write(body.subarray(at, at + (1 << 20)));
  res.end();
}

before(async () => {
  server = createServer((req, res) => {
    if (!req.headers.authorization) {
      res.writeHead(401, { "www-authenticate": CHALLENGE, "content-type": "application/json" });
      return res.end('{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}');
    }
    const path = new URL(req.url, "http://x").pathname;
    if (/^\/(keys|rng)(\/|$)/.test(path)) return keysPlane(req, res, path);
    const name = path.split("/")[2];
    (behaviours[name] ?? behaviours[name.toLowerCase()] ?? ((r) => r.writeHead(404).end()))(res, url);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  client = new KeyClient(url, async () => "t", options);
  secrets = new SecretClient(url, async () => "t", options);
  keys = new KeysClient(url, async () => "t", options);
});
after(() => {
  server?.closeAllConnections();
  server?.close();
});

const options = {
  allowInsecureConnection: true,
  disableChallengeResourceVerification: true,
  retryOptions: { maxRetries: 2, retryDelayInMs: 5 },
};

// --- The keys plane's answers --------------------------------------------------------------------

const MODULUS = Buffer.alloc(256, 0xc5).toString("base64url");
const keyAttributes = { enabled: true, created: 1, updated: 1 };

/** A KeyBundle of the RSA key `name`, with members of `key` and of the bundle replaced. */
const keyBundle = (origin, name, key = {}, bundle = {}) => ({
  key: { kid: `${origin}/keys/${name}/${V}`, kty: "RSA", key_ops: ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"], n: MODULUS, e: "AQAB", ...key },
  attributes: keyAttributes,
  ...bundle,
});

/** The key the server answers for GET /keys/{name}[/{version}] and POST /keys/{name}/create; any other name is a good key. */
const keyAnswers = {
  badmodulus: (o, n) => keyBundle(o, n, { n: "not*base64url" }),
  opsnotlist: (o, n) => keyBundle(o, n, { key_ops: "sign" }),
  nokid: (o, n) => keyBundle(o, n, { kid: undefined }),
  secretskid: (o, n) => keyBundle(o, n, { kid: `${o}/secrets/${n}/${V}` }),
  expstring: (o, n) => keyBundle(o, n, {}, { attributes: { ...keyAttributes, exp: "2030-01-01T00:00:00Z" } }),
  nokey: () => ({ attributes: keyAttributes }),
  keynotobject: () => ({ key: "RSA", attributes: keyAttributes }),
  otherkid: (o) => keyBundle(o, "other"),
  casekid: (o) => keyBundle(o, "CaseKid"),
  nonhexversion: (o, n) => keyBundle(o, n, { kid: `${o}/keys/${n}/0123456789abcdef0123456789abcdeg` }),
  expfar: (o, n) => keyBundle(o, n, {}, { attributes: { ...keyAttributes, exp: 9e15 } }),
  // Key material of the wrong length: a 3-byte RSA modulus, an EC point whose x is 5 bytes.
  shortmodulus: (o, n) => keyBundle(o, n, { n: "AQID" }),
  shortx: (o, n) =>
    keyBundle(o, n, { kty: "EC", crv: "P-256", n: undefined, e: undefined, x: "AQIDBAU", y: Buffer.alloc(32, 1).toString("base64url") }),
};
const unreadable = (what) => `the service's response could not be read: ${what}`;
const KEY_EXPECTED = {
  otherkid: 'the service\'s response is for "other", not "otherkid"',
  nonhexversion: (o) => `the service's response has an unexpected id: "${o}/keys/nonhexversion/0123456789abcdef0123456789abcdeg"`,
  expfar: unreadable("attributes.exp is out of range: 9000000000000000"),
  badmodulus: unreadable("key.n is not base64url"),
  opsnotlist: unreadable("key.key_ops is not a list of strings"),
  nokid: unreadable("the key has no kid"),
  secretskid: (o) => `the service's response has an unexpected id: "${o}/secrets/secretskid/${V}"`,
  expstring: unreadable("attributes.exp is not an integer"),
  nokey: unreadable("the key is missing"),
  keynotobject: unreadable("key is not an object"),
};

/** The rotation policy the server answers for GET /keys/{name}/rotationpolicy. */
const policyAnswers = {
  goodpolicy: { id: "p", lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P90D", created: 1, updated: 1 } },
  actionsnotlist: { id: "p", lifetimeActions: { trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }, attributes: {} },
  unknownaction: { id: "p", lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Explode" } }], attributes: {} },
  actionnotobject: { id: "p", lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: "Rotate" }], attributes: {} },
  expirynumber: { id: "p", lifetimeActions: [], attributes: { expiryTime: 90 } },
};
const POLICY_EXPECTED = {
  actionsnotlist: unreadable("lifetimeActions is not a list"),
  unknownaction: unreadable('the action "Explode" is neither Rotate nor Notify'),
  actionnotobject: unreadable("action is not an object"),
  expirynumber: unreadable("attributes.expiryTime is not a string"),
};

/** What GET /keys (the listing) and POST /rng answer: set by each test. */
const answers = { list: "goodlist", rng: "goodrng" };
const listAnswers = {
  goodlist: (o) => ({ value: [{ kid: `${o}/keys/a`, attributes: keyAttributes }] }),
  secretskid: (o) => ({ value: [{ kid: `${o}/secrets/a`, attributes: keyAttributes }] }),
  nokid: () => ({ value: [{ attributes: keyAttributes }] }),
  expstring: (o) => ({ value: [{ kid: `${o}/keys/a`, attributes: { exp: "soon" } }] }),
  valuenotlist: (o) => ({ value: { kid: `${o}/keys/a` } }),
  nextlinknumber: (o) => ({ value: [{ kid: `${o}/keys/a` }], nextLink: 5 }),
};
const LIST_EXPECTED = {
  secretskid: (o) => `the service's response has an unexpected id: "${o}/secrets/a"`,
  nokid: unreadable("an item has no kid"),
  expstring: unreadable("attributes.exp is not an integer"),
  valuenotlist: unreadable("value is not an array"),
  nextlinknumber: unreadable("nextLink is not a string"),
};
const rngAnswers = {
  goodrng: { value: Buffer.alloc(16, 9).toString("base64url") },
  missing: {},
  notbase64: { value: "**" },
  number: { value: 5 },
  empty: { value: "" },
};
const RNG_EXPECTED = {
  missing: unreadable("value is missing"),
  notbase64: unreadable("value is not base64url"),
  number: unreadable("value is not base64url"),
};

/** What POST /keys/{name}/{version}/{operation} answers, by key name (GET of these names is a good key). */
const operationAnswers = {
  "sign-missing": (kid) => ({ kid }),
  "sign-notbase64": (kid) => ({ kid, value: "%%" }),
  "sign-empty": (kid) => ({ kid, value: "" }),
  "verify-string": () => ({ value: "true" }),
  "verify-number": () => ({ value: 1 }),
  "verify-missing": () => ({}),
  "encrypt-notbase64": (kid) => ({ kid, value: "not base64" }),
  "encrypt-missing": (kid) => ({ kid }),
};

/** The keys-plane requests the server received, as "METHOD /path". */
const received = [];

function keysPlane(req, res, path) {
  received.push(`${req.method} ${path}`);
  req.resume();
  req.on("end", () => {
    const [, root, name, third, fourth] = path.split("/");
    let body;
    if (root === "rng") body = rngAnswers[answers.rng];
    else if (name === undefined) body = listAnswers[answers.list](url);
    else if (third === "rotationpolicy") body = policyAnswers[name];
    else if (fourth !== undefined) body = operationAnswers[name]?.(`${url}/keys/${name}/${third}`);
    else body = (keyAnswers[name] ?? ((o, n) => keyBundle(o, n)))(url, name);
    if (body === undefined) return res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"KeyNotFound","message":"no such key"}}');
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
}

/** The error of `promise`, which must reject. */
async function rejection(promise, label) {
  return promise.then(
    (v) => assert.fail(`${label}: resolved with ${JSON.stringify(v, (k, x) => (x instanceof Uint8Array ? `bytes(${x.length})` : x))?.slice(0, 120)}`),
    (e) => e,
  );
}

/** Each call must reject with the /keys entry's RestError PARSE_ERROR of a 200 and the message expected. */
async function parseErrors(expected, call) {
  for (const [name, message] of Object.entries(expected)) {
    const err = await rejection(call(name), name);
    assert.ok(err instanceof KeysRestError, `${name}: ${err?.name} ${err?.message}`);
    assert.equal(err.code, "PARSE_ERROR", `${name}: ${err.message}`);
    assert.equal(err.statusCode, 200, name);
    assert.equal(err.message, typeof message === "function" ? message(url) : message, name);
  }
  return Object.keys(expected).length;
}

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
  nonhexversion: [200, "PARSE_ERROR"],
  shortversion: [200, "PARSE_ERROR"],
  farfuture: [200, "PARSE_ERROR"],
  farpast: [200, "PARSE_ERROR"],
  othername: [200, "PARSE_ERROR"],
};
/** Behaviours that answer well, or never: not in EXPECTED. */
const ANSWERED = new Set(["good", "drip", "stall", "exact", "casename"]);

/** Every malformed answer to `get(name)`: each must reject with `ErrorClass`; returns [statusCode, code] per behaviour. */
async function outcomes(get, ErrorClass) {
  const out = {};
  for (const name of Object.keys(behaviours).filter((n) => !ANSWERED.has(n))) {
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

test("what the messages say: a version that is not 32 hex digits, a time no Date holds, another object's name", async () => {
  const messages = {
    nonhexversion: `the service's response has an unexpected id: "${url}/secrets/nonhexversion/not-a-hex-version-at-all-00000000"`,
    shortversion: `the service's response has an unexpected id: "${url}/secrets/shortversion/0123abcd"`,
    farfuture: "the service's response could not be read: attributes.exp is out of range: 9000000000000000",
    farpast: "the service's response could not be read: attributes.created is out of range: -8640000000001",
    othername: `the service's response is for "someone-else", not "othername"`,
  };
  for (const [name, message] of Object.entries(messages)) {
    assert.equal((await client.getKey(name).catch((e) => e)).message, message, name);
    assert.equal((await secrets.getSecret(name).catch((e) => e)).message, message, name);
  }
  // Names are compared as the service compares them, without case.
  assert.equal((await client.getKey("casename")).name, "CaseName");
  assert.equal((await secrets.getSecret("CASENAME")).name, "CaseName");
});

test("a valid JSON body of exactly 16 MiB is read", { timeout: 20_000 }, async () => {
  const key = await client.getKey("exact");
  assert.equal(key.properties.version, V);
  assert.ok(key.value.length > (16 << 20) - 200 && /^a+$/.test(key.value));
});

test("a body that never ends, without timeoutInMs: each try is abandoned after 30 s by default (timers mocked)", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  stalled = false;
  const patient = new KeyClient(url, async () => "t", { ...options, retryOptions: { maxRetries: 0 } });
  let settled;
  patient.getKey("stall").then(
    (k) => (settled = k),
    (e) => (settled = e),
  );
  const turns = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  while (!stalled) await turns();
  t.mock.timers.tick(29_999);
  await turns();
  assert.equal(settled, undefined, "abandoned before 30 s");
  t.mock.timers.tick(1);
  for (let i = 0; i < 100 && settled === undefined; i++) await turns();
  assert.ok(settled instanceof KeyVaultError, String(settled));
  assert.equal(settled.code, "REQUEST_SEND_ERROR");
  assert.match(settled.message, /^GET http:\/\/127\.0\.0\.1:\d+\/secrets\/stall failed: no complete response within 30000 ms \(retryOptions\.tryTimeoutInMs\)$/);
});

test("an explicit tryTimeoutInMs overrides the default; each abandoned try is retried", async () => {
  const started = Date.now();
  const quick = new KeyClient(url, async () => "t", { ...options, retryOptions: { maxRetries: 1, retryDelayInMs: 1, tryTimeoutInMs: 150 } });
  const err = await quick.getKey("stall").catch((e) => e);
  const ms = Date.now() - started;
  assert.equal(err.code, "REQUEST_SEND_ERROR", err.message);
  assert.match(err.message, /failed: no complete response within 150 ms \(retryOptions\.tryTimeoutInMs\)$/);
  assert.ok(ms >= 290 && ms < 5000, `two tries of 150 ms took ${ms} ms`);
});

test("the wasm instance is alive and correct afterwards", async () => {
  const key = await client.getKey("good");
  assert.equal(key.value, "fine");
  assert.equal(key.properties.version, "0123456789abcdef0123456789abcdef");
});

test("keys plane: every malformed key from getKey and createKey is a RestError PARSE_ERROR", { timeout: 20_000 }, async () => {
  const n = await parseErrors(KEY_EXPECTED, (name) => keys.getKey(name));
  await parseErrors(KEY_EXPECTED, (name) => keys.getKey(name, { version: V }));
  await parseErrors(KEY_EXPECTED, (name) => keys.createKey(name, "RSA"));
  await parseErrors(KEY_EXPECTED, (name) => keys.createRsaKey(name));
  console.log(`# ${n * 4} malformed keys refused`);
});

test("keys plane: a malformed listing is a PARSE_ERROR, item by item and page by page", { timeout: 20_000 }, async () => {
  try {
    await parseErrors(LIST_EXPECTED, async (name) => {
      answers.list = name;
      for await (const item of keys.listPropertiesOfKeys()) assert.ok(item);
    });
    await parseErrors(LIST_EXPECTED, async (name) => {
      answers.list = name;
      await keys.listPropertiesOfKeys().byPage({ maxPageSize: 5 }).next();
    });
    answers.list = "goodlist";
    const items = [];
    for await (const item of keys.listPropertiesOfKeys()) items.push(item);
    assert.deepEqual(items.map((k) => [k.name, k.id]), [["a", `${url}/keys/a`]]);
  } finally {
    answers.list = "goodlist";
  }
});

test("keys plane: a malformed rotation policy is a PARSE_ERROR", { timeout: 20_000 }, async () => {
  await parseErrors(POLICY_EXPECTED, (name) => keys.getKeyRotationPolicy(name));
  const good = await keys.getKeyRotationPolicy("goodpolicy");
  assert.deepEqual(good.lifetimeActions, [{ action: "Rotate", timeAfterCreate: "P30D", timeBeforeExpiry: undefined }]);
  assert.equal(good.expiresIn, "P90D");
});

test("keys plane: random bytes that are missing or not base64url are a PARSE_ERROR", { timeout: 20_000 }, async () => {
  try {
    await parseErrors(RNG_EXPECTED, (name) => {
      answers.rng = name;
      return keys.getRandomBytes(16);
    });
    answers.rng = "goodrng";
    assert.deepEqual(await keys.getRandomBytes(16), new Uint8Array(16).fill(9));
  } finally {
    answers.rng = "goodrng";
  }
});

test("keys plane: a remote sign, verify or encrypt answered badly is a PARSE_ERROR", { timeout: 20_000 }, async () => {
  const digest = new Uint8Array(32).fill(1);
  const calls = {
    "sign-missing": [unreadable("value is missing"), (c) => c.sign("RS256", digest)],
    "sign-notbase64": [unreadable("value is not base64url"), (c) => c.sign("RS256", digest)],
    "verify-string": [unreadable("value is not a boolean"), (c) => c.verify("RS256", digest, digest)],
    "verify-number": [unreadable("value is not a boolean"), (c) => c.verify("RS256", digest, digest)],
    "verify-missing": [unreadable("value is missing"), (c) => c.verify("RS256", digest, digest)],
    // RSA1_5 is the service's to do: the client holds no private key and WebCrypto lacks it.
    "encrypt-notbase64": [unreadable("value is not base64url"), (c) => c.encrypt("RSA1_5", digest)],
    "encrypt-missing": [unreadable("value is missing"), (c) => c.encrypt({ algorithm: "RSA1_5", plaintext: digest })],
  };
  const expected = Object.fromEntries(Object.entries(calls).map(([name, [message]]) => [name, message]));
  // From an id (the key is fetched first, then the operation is the service's) and from the KeyClient.
  await parseErrors(expected, (name) => calls[name][1](new CryptographyClient(`${url}/keys/${name}/${V}`, async () => "t", options)));
  await parseErrors(expected, (name) => calls[name][1](keys.getCryptographyClient(name, { keyVersion: V })));
  await parseErrors(expected, (name) => calls[name][1](keys.getCryptographyClient(name)));
});

test("accepted: a kid naming the key in another case, listings of other names, an empty signature, empty random bytes", { timeout: 20_000 }, async () => {
  // Names are compared as the service compares them, without case. (A kid naming another key
  // is refused above, where the official client would take it.)
  const other = await keys.getKey("casekid");
  assert.equal(other.name, "CaseKid");
  assert.equal(other.id, `${url}/keys/CaseKid/${V}`);
  assert.equal(other.properties.name, "CaseKid");
  const listed = [];
  for await (const item of keys.listPropertiesOfKeys()) listed.push(item.name);
  assert.deepEqual(listed, ["a"], "a listing names what it finds");
  const signed = await new CryptographyClient(`${url}/keys/sign-empty/${V}`, async () => "t", options).sign("RS256", new Uint8Array(32));
  assert.deepEqual(signed.result, new Uint8Array(0));
  try {
    answers.rng = "empty";
    assert.deepEqual(await keys.getRandomBytes(16), new Uint8Array(0));
  } finally {
    answers.rng = "goodrng";
  }
});

test("wrong lengths: a key from the service with a 3-byte RSA modulus or a 5-byte EC x is a PARSE_ERROR", { timeout: 20_000 }, async () => {
  const cases = [
    ["shortmodulus", "the service's response could not be read: key.n is 3 bytes, too short for an RSA key"],
    ["shortx", "the service's response could not be read: key.x of a P-256 key is 5 bytes, not 32"],
  ];
  for (const [name, message] of cases) {
    const read = await rejection(keys.getKey(name), name);
    assert.ok(read instanceof KeysRestError, `${name}: ${read}`);
    assert.equal(read.code, "PARSE_ERROR", name);
    assert.equal(read.message, message, name);
    // A CryptographyClient from the key's id fetches it first: the operation fails the same way,
    // and nothing but that fetch is sent.
    const sent = received.length;
    const client = new CryptographyClient(`${url}/keys/${name}/${V}`, async () => "t", options);
    const failed = await rejection(client.verifyData(name === "shortx" ? "ES256" : "RS256", new Uint8Array([1, 2, 3]), new Uint8Array(64)), name);
    assert.equal(failed.code, "PARSE_ERROR", name);
    assert.equal(failed.message, message, name);
    assert.deepEqual(received.slice(sent).filter((r) => !r.startsWith(`GET /keys/${name}/${V}`)), [], name);
  }
});

test("wrong lengths: local cryptography with a JsonWebKey WebCrypto cannot use rejects with an error naming the key and the operation", async () => {
  const data = new Uint8Array([1, 2, 3]);
  const shortModulus = new CryptographyClient({ kid: "local-short-modulus", kty: "RSA", n: new Uint8Array([1, 2, 3]), e: new Uint8Array([1, 0, 1]) });
  const shortX = new CryptographyClient({ kid: "local-short-x", kty: "EC", crv: "P-256", x: new Uint8Array(5), y: new Uint8Array(32) });
  const encrypted = await rejection(shortModulus.encrypt("RSA-OAEP", data), "encrypt");
  assert.match(encrypted.message, /^encrypt with RSA-OAEP failed for key local-short-modulus: /);
  assert.ok(encrypted.cause instanceof Error, "WebCrypto's error is the cause");
  const verified = await rejection(shortX.verifyData("ES256", data, new Uint8Array(64)), "verifyData");
  assert.match(verified.message, /^verifyData with ES256 failed for key local-short-x: /);
  // WebCrypto takes a 3-byte modulus: no signature verifies under it.
  assert.equal((await shortModulus.verifyData("RS256", data, new Uint8Array(3))).result, false);
});

test("the keys plane is alive and correct afterwards", async () => {
  const key = await keys.getKey("goodkey");
  assert.equal(key.name, "goodkey");
  assert.equal(key.properties.version, V);
  assert.equal(key.key.n.length, 256);
  assert.equal((await keys.getRandomBytes(16)).length, 16);
  assert.equal((await secrets.getSecret("good")).value, "fine");
});
