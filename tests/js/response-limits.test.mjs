// The 16 MiB response limit, in every transport: the Node transport (content-length and
// chunked), fetch (the browsers' transport, run here on Node's fetch), an @azure/core-rest-pipeline
// HttpClient given to a drop-in client, and an httpClient that answers with `bodyAsText`. A
// valid JSON body of exactly 16 MiB is read; one byte more is refused as PARSE_ERROR; reading
// stops at the limit (the server's flood is cut off); and nothing of a refused response — body
// or oversized header — reaches the wasm memory, which never shrinks once grown.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { MAX_RESPONSE_BYTES } from "../../js/limits.mjs";

// The package's wasm instances, recorded as it makes them, so their memory can be measured. The
// proxy is in place before the package loads its modules.
const instances = [];
WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    instances.push(instance);
    return instance;
  },
});
const { KeyClient, KeyVaultError } = await import("keyvault-keys-wasm");
const { SecretClient, RestError } = await import("keyvault-keys-wasm/secrets");
const { fetchHttpClient } = await import("../../js/fetch.mjs");
const { createDefaultHttpClient } = await import("@azure/core-rest-pipeline");

const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"';
const V = "0123456789abcdef0123456789abcdef";
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const MiB = 1 << 20;

/** The bytes of every wasm memory the package has made. */
const wasmMemory = () => instances.reduce((sum, i) => sum + i.exports.memory.buffer.byteLength, 0);

/** The JSON around a secret bundle's value: `[head, tail]`. */
const around = (origin, name) => [
  Buffer.from('{"value":"'),
  Buffer.from(`","id":"${origin}/secrets/${name}/${V}","attributes":{"enabled":true,"created":1,"updated":1}}`),
];
/** A secret bundle for `name` that is valid JSON of exactly `total` bytes; its value is "a"s. */
function bundle(origin, name, total) {
  const [head, tail] = around(origin, name);
  return Buffer.concat([head, Buffer.alloc(total - head.length - tail.length, 0x61), tail]);
}
/** The length of the value in `bundle(origin, name, total)`. */
const valueLength = (origin, name, total) => total - around(origin, name).reduce((n, b) => n + b.length, 0);

let server, url;
/** Bytes the server wrote of the last flood before the client went away. */
let flooded = 0;
before(async () => {
  server = createServer((req, res) => {
    if (!req.headers.authorization) return res.writeHead(401, { "www-authenticate": CHALLENGE }).end();
    const name = new URL(req.url, "http://x").pathname.split("/")[2] ?? "";
    const [size, framing] = name.split("-");
    if (size === "flood") {
      // 64 MiB of a JSON string, with backpressure: how much is written shows how much the
      // client read before it went away.
      res.writeHead(200, { "content-type": "application/json" });
      flooded = 0;
      const piece = Buffer.alloc(MiB, 0x61);
      let gone = false;
      res.on("close", () => (gone = true));
      res.write('{"value":"');
      const pump = () => {
        while (!gone && flooded < 64 * MiB) {
          flooded += piece.length;
          if (!res.write(piece)) return res.once("drain", pump);
        }
        if (!gone) res.end('"}');
      };
      return pump();
    }
    const body = bundle(url, name, size === "over" ? MAX_RESPONSE_BYTES + 1 : MAX_RESPONSE_BYTES);
    if (framing === "length") return res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body);
    // Chunked, in 1 MiB chunks.
    res.writeHead(200, { "content-type": "application/json" });
    for (let at = 0; at < body.length; at += MiB) res.write(body.subarray(at, at + MiB));
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server?.closeAllConnections();
  server?.close();
});

/** Each transport: a function reading secret `name`'s value, and the error class it rejects with. */
const transports = () => ({
  node: [(name) => new KeyClient(url, async () => "t", options).getKey(name).then((k) => k.value), KeyVaultError],
  fetch: [(name) => new KeyClient(url, async () => "t", { ...options, httpClient: fetchHttpClient }).getKey(name).then((k) => k.value), KeyVaultError],
  official: [
    (name) => new SecretClient(url, credential, { ...options, httpClient: createDefaultHttpClient() }).getSecret(name).then((s) => s.value),
    RestError,
  ],
});

/** The error of `promise`, which must reject. */
const rejection = (promise, label) =>
  promise.then(
    (v) => assert.fail(`${label}: resolved with ${String(v).slice(0, 40)}...`),
    (e) => e,
  );

test("a valid JSON body of exactly 16 MiB is read; one byte more is a PARSE_ERROR: every transport, with a length and chunked", { timeout: 60_000 }, async () => {
  for (const [label, [getValue, ErrorClass]] of Object.entries(transports())) {
    for (const framing of ["length", "chunked"]) {
      const name = `under-${framing}`;
      const value = await getValue(name);
      assert.equal(value.length, valueLength(url, name, MAX_RESPONSE_BYTES), `${label} ${framing}`);
      assert.match(value.slice(-16), /^a{16}$/);
      const err = await rejection(getValue(`over-${framing}`), `${label} ${framing}`);
      assert.ok(err instanceof ErrorClass, `${label} ${framing}: ${err}`);
      assert.equal(err.code, "PARSE_ERROR", `${label} ${framing}: ${err.message}`);
      assert.equal(err.statusCode, 200);
      assert.match(err.message, /: the response is larger than 16777216 bytes$/);
    }
  }
});

test("an httpClient's bodyAsText of 16 MiB is read; one character more is a PARSE_ERROR", async () => {
  const scripted = (total) => ({
    async sendRequest(request) {
      if (!request.headers.authorization) return { status: 401, headers: { "www-authenticate": CHALLENGE }, bodyAsText: "" };
      return { status: 200, headers: {}, bodyAsText: bundle(url, "k", total).toString("latin1") };
    },
  });
  const under = await new KeyClient(url, async () => "t", { ...options, httpClient: scripted(MAX_RESPONSE_BYTES) }).getKey("k");
  assert.equal(under.value.length, valueLength(url, "k", MAX_RESPONSE_BYTES));
  const err = await rejection(new KeyClient(url, async () => "t", { ...options, httpClient: scripted(MAX_RESPONSE_BYTES + 1) }).getKey("k"), "over");
  assert.equal(err.code, "PARSE_ERROR");
  assert.match(err.message, /larger than 16777216 bytes$/);
});

test("reading stops at the limit: a 64 MiB flood is cut off near 16 MiB by every transport", { timeout: 60_000 }, async () => {
  for (const [label, [getValue, ErrorClass]] of Object.entries(transports())) {
    const err = await rejection(getValue("flood"), label);
    assert.ok(err instanceof ErrorClass, `${label}: ${err}`);
    assert.equal(err.code, "PARSE_ERROR", `${label}: ${err.message}`);
    // Let the server see its connection close.
    await new Promise((r) => setTimeout(r, 50));
    // What was read, plus what socket buffers held when the client stopped.
    assert.ok(flooded < 32 * MiB, `${label}: the server wrote ${flooded / MiB} MiB before the client stopped reading`);
    console.log(`# ${label}: the server wrote ${flooded / MiB} MiB of 64 before the client stopped reading`);
  }
});

test("nothing of a refused response reaches the wasm memory: a 40 MB body, a 4 MB challenge, a 4 MB Retry-After", async () => {
  const big = (n) => "x".repeat(n);
  const answers = {
    body: () => ({ status: 200, headers: {}, bodyAsText: big(40e6) }),
    errorBody: () => ({ status: 503, headers: {}, bodyAsText: big(40e6) }),
    challenge: () => ({ status: 401, headers: { "www-authenticate": `${CHALLENGE}, x="${big(4e6)}"` }, bodyAsText: "" }),
    retryAfter: () => ({ status: 503, headers: { "retry-after": big(4e6) }, bodyAsText: "" }),
    retryAfterMs: () => ({ status: 503, headers: { "retry-after-ms": big(4e6) }, bodyAsText: "" }),
  };
  // One client signed in first, so its memory is in use before the measurements.
  let answer;
  const httpClient = {
    async sendRequest(request) {
      if (!request.headers.authorization) return { status: 401, headers: { "www-authenticate": CHALLENGE }, bodyAsText: "" };
      return answer();
    },
  };
  const client = new KeyClient(url, async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }), { ...options, httpClient });
  answer = () => ({ status: 200, headers: {}, bodyAsText: bundle(url, "k", 300).toString() });
  await client.getKey("k");
  const before = wasmMemory();
  assert.ok(before > 0, "the package's wasm memory is measured");
  for (const [label, make] of Object.entries(answers)) {
    answer = make;
    const err = await rejection(client.getKey("k"), label);
    assert.ok(err instanceof KeyVaultError, `${label}: ${err}`);
    assert.equal(wasmMemory(), before, `${label}: the wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  }
  // Through the Node transport too (the flood above came through it; this one after measuring).
  await rejection(new KeyClient(url, async () => "t", options).getKey("flood"), "flood");
  assert.equal(wasmMemory(), before);
  console.log(`# wasm memory ${(before / MiB).toFixed(1)} MiB before and after ${Object.keys(answers).length + 1} refused responses`);
});
