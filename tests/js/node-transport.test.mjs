// The Node transport (js/node-socket.mjs) against real local servers: node:http for the
// ordinary cases, raw node:net servers for split, odd and malformed responses, node:https with a
// self-signed certificate for TLS. Every call settles (never a hang or a crash), keep-alive
// connections are reused and retried only when that is safe, and nothing is left behind on a
// caller's AbortSignal or keeps the process alive.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { getEventListeners, setMaxListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { MAX_RESPONSE_BYTES } from "../../js/limits.mjs";
import { nodeSocketClient } from "../../js/node-socket.mjs";
import { pool, repoFile, selfSignedCertificate } from "./helpers.mjs";

const send = (request) => nodeSocketClient.sendRequest({ method: "GET", headers: {}, ...request });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const servers = [];
const serverSockets = new Set();
after(() => {
  for (const s of servers) s.close();
  for (const s of serverSockets) s.destroy();
});

/** Resolves `server` listening on `host`, with `url` and a count of accepted connections. */
async function listen(server, host = "127.0.0.1", scheme = "http") {
  servers.push(server);
  server.connections = 0;
  server.on("connection", (socket) => {
    server.connections += 1;
    socket.setNoDelay(true);
    serverSockets.add(socket);
    socket.on("close", () => serverSockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const h = host.includes(":") ? `[${host}]` : host;
  server.url = `${scheme}://${h}:${server.address().port}`;
  return server;
}

const httpServer = (handler) => {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  return listen(server);
};

/**
 * A raw server: `respond(socket, head, info)` is called for each request head; `info` has the
 * connection's index and the request's index on that connection. Requests carry no body here.
 */
function rawServer(respond) {
  let n = 0;
  const server = createNetServer((socket) => {
    const info = { connection: n++, request: 0 };
    let buffered = "";
    socket.on("error", () => {});
    socket.on("data", (d) => {
      buffered += d.toString("latin1");
      let i;
      while ((i = buffered.indexOf("\r\n\r\n")) !== -1) {
        const head = buffered.slice(0, i);
        buffered = buffered.slice(i + 4);
        respond(socket, head, { ...info });
        info.request += 1;
      }
    });
  });
  return listen(server);
}

/** The error of a call that must fail, bounded in time: a hang fails the test instead. */
async function rejection(promise) {
  let timer;
  const hung = new Promise((resolve) => (timer = setTimeout(resolve, 3000, "hung")));
  const result = await Promise.race([promise.then(() => "resolved", (e) => e), hung]);
  clearTimeout(timer);
  assert.ok(result instanceof Error || result instanceof DOMException, `expected a rejection, got: ${result}`);
  return result;
}

const pathOf = (head) => head.split(" ")[1];

test("GET and PUT: bodies both ways in UTF-8, split inside a multi-byte character; host and content-length sent", async () => {
  const text = "héllo wörld € 𝄞 ✓ ".repeat(50);
  const server = await httpServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const received = Buffer.concat(chunks).toString("utf8");
      const body = Buffer.from(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, received }) + text);
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length, "x-multi": "a" });
      // Split inside the 4-byte 𝄞 and flush the halves separately.
      const cut = body.indexOf(Buffer.from("𝄞")) + 2;
      res.write(body.subarray(0, cut));
      setTimeout(() => res.end(body.subarray(cut)), 5);
    });
  });
  const put = await send({ method: "PUT", url: `${server.url}/secrets/a?api-version=7.5#frag`, headers: { "content-type": "application/json", "x-ms-client-request-id": "id-1" }, body: text });
  assert.equal(put.status, 200);
  assert.equal(put.headers["content-type"], "application/json");
  assert.equal(put.headers["x-multi"], "a");
  const split = put.bodyAsText.indexOf("}" + text.slice(0, 5)) + 1;
  const echo = JSON.parse(put.bodyAsText.slice(0, split));
  assert.equal(put.bodyAsText.slice(split), text);
  assert.equal(echo.method, "PUT");
  assert.equal(echo.url, "/secrets/a?api-version=7.5");
  assert.equal(echo.received, text);
  assert.equal(echo.headers.host, server.url.slice("http://".length));
  assert.equal(echo.headers["content-length"], String(Buffer.byteLength(text)));
  assert.equal(echo.headers["x-ms-client-request-id"], "id-1");

  const get = await send({ url: `${server.url}?q=1` });
  const getEcho = JSON.parse(get.bodyAsText.slice(0, get.bodyAsText.indexOf("}" + text.slice(0, 5)) + 1));
  assert.equal(getEcho.url, "/?q=1");
  assert.equal(getEcho.received, "");
  assert.ok(getEcho.headers["content-length"] === undefined || getEcho.headers["content-length"] === "0");

  const post = await send({ method: "POST", url: `${server.url}/x` });
  const postEcho = JSON.parse(post.bodyAsText.slice(0, post.bodyAsText.indexOf("}" + text.slice(0, 5)) + 1));
  assert.equal(postEcho.headers["content-length"], "0");
});

test("content-length, chunked, 204, 304, HEAD and 3xx responses; repeated headers joined", async () => {
  const server = await httpServer((req, res) => {
    switch (req.url) {
      case "/length":
        return res.writeHead(200, { "content-length": 5 }).end("fixed");
      case "/zero":
        return res.writeHead(200, { "content-length": 0 }).end();
      case "/chunked":
        res.writeHead(201, [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-dup", "1"], ["x-dup", "2"]]);
        res.write("one,");
        res.write("two,");
        return setTimeout(() => res.end("three"), 5);
      case "/empty-chunked":
        res.writeHead(200, { "transfer-encoding": "chunked" });
        return res.end();
      case "/204":
        return res.writeHead(204, { "x-a": "b" }).end();
      case "/304":
        return res.writeHead(304, { etag: '"x"' }).end();
      case "/head":
        return res.writeHead(200, { "content-length": 1234 }).end();
      case "/redirect":
        return res.writeHead(302, { location: "http://elsewhere.invalid/", "content-length": 4 }).end("gone");
    }
  });
  const length = await send({ url: `${server.url}/length` });
  assert.deepEqual([length.status, length.bodyAsText], [200, "fixed"]);
  const zero = await send({ method: "PUT", url: `${server.url}/zero`, body: "" });
  assert.deepEqual([zero.status, zero.bodyAsText, zero.headers["content-length"]], [200, "", "0"]);
  const chunked = await send({ url: `${server.url}/chunked` });
  assert.deepEqual([chunked.status, chunked.bodyAsText, chunked.headers["transfer-encoding"]], [201, "one,two,three", "chunked"]);
  assert.equal(chunked.headers["set-cookie"], "a=1, b=2");
  assert.equal(chunked.headers["x-dup"], "1, 2");
  assert.equal((await send({ url: `${server.url}/empty-chunked` })).bodyAsText, "");
  const noContent = await send({ method: "DELETE", url: `${server.url}/204` });
  assert.deepEqual([noContent.status, noContent.bodyAsText, noContent.headers["x-a"]], [204, "", "b"]);
  const notModified = await send({ url: `${server.url}/304` });
  assert.deepEqual([notModified.status, notModified.bodyAsText], [304, ""]);
  const head = await send({ method: "HEAD", url: `${server.url}/head` });
  assert.deepEqual([head.status, head.bodyAsText, head.headers["content-length"]], [200, "", "1234"]);
  const redirect = await send({ url: `${server.url}/redirect` });
  assert.deepEqual([redirect.status, redirect.bodyAsText, redirect.headers.location], [302, "gone", "http://elsewhere.invalid/"]);
  // All of the above on the one keep-alive connection.
  assert.equal(server.connections, 1);
});

test("keep-alive: 20 sequential requests use one connection", async () => {
  const server = await httpServer((req, res) => res.end(req.url));
  for (let i = 0; i < 20; i++) {
    const r = await send({ url: `${server.url}/n/${i}` });
    assert.equal(r.bodyAsText, `/n/${i}`);
  }
  assert.equal(server.connections, 1);
});

test("64 requests in flight, 500 in all: every answer is its own", async () => {
  const server = await httpServer((req, res) => {
    const body = JSON.stringify({ url: req.url, pad: "ü".repeat(Number(req.url.split("/")[2]) % 300) });
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(body), Math.random() * 3);
  });
  const results = await pool(500, 64, (i) => send({ method: i % 2 ? "PUT" : "GET", url: `${server.url}/r/${i}`, body: i % 2 ? `body ${i}` : undefined }));
  results.forEach((r, i) => {
    assert.ok(r.ok, r.error?.message);
    const body = JSON.parse(r.value.bodyAsText);
    assert.equal(body.url, `/r/${i}`);
    assert.equal(body.pad, "ü".repeat(i % 300));
  });
  assert.ok(server.connections <= 64, `${server.connections} connections`);
});

test("a reused connection the server closed before answering: the request is retried once on a fresh one", async () => {
  const server = await rawServer((socket, head, { connection, request }) => {
    // Connection 0 is dropped when its second request arrives: the server had timed it out.
    if (connection === 0 && request === 1) return socket.destroy();
    const body = `c${connection} ${pathOf(head)}`;
    socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });
  assert.equal((await send({ url: `${server.url}/1` })).bodyAsText, "c0 /1");
  const retried = await send({ method: "PUT", url: `${server.url}/2`, body: "x" });
  assert.equal(retried.bodyAsText, "c1 /2");
  assert.equal((await send({ url: `${server.url}/3` })).bodyAsText, "c1 /3");
  assert.equal(server.connections, 2);
});

test("a fresh connection dropped before any answer is not retried", async () => {
  const server = await rawServer((socket) => socket.destroy());
  const err = await rejection(send({ method: "POST", url: `${server.url}/once`, body: "x" }));
  assert.match(err.message, /socket hang up|ECONNRESET/);
  assert.equal(server.connections, 1);
});

test("node:http closing its idle connections: the next request still succeeds", async () => {
  const server = await httpServer((req, res) => res.end("ok"));
  for (let i = 0; i < 5; i++) {
    assert.equal((await send({ url: `${server.url}/a` })).bodyAsText, "ok");
    server.closeIdleConnections();
    // Sent in the same tick: the client has not yet seen the close.
    assert.equal((await send({ url: `${server.url}/b` })).bodyAsText, "ok");
    await sleep(5);
    server.closeIdleConnections();
    // Sent after the close was seen: the dead connection is not taken from the pool.
    assert.equal((await send({ url: `${server.url}/c` })).bodyAsText, "ok");
  }
});

test("connection: close responses are read and their connection is not reused", async () => {
  const server = await httpServer((req, res) => res.writeHead(200, { connection: "close", "content-length": 3 }).end("bye"));
  for (let i = 0; i < 5; i++) assert.equal((await send({ url: server.url })).bodyAsText, "bye");
  assert.equal(server.connections, 5);
  // A caller asking for close gets it too.
  const server2 = await httpServer((req, res) => res.end(req.headers.connection));
  for (let i = 0; i < 3; i++) assert.equal((await send({ url: server2.url, headers: { connection: "close" } })).bodyAsText, "close");
  assert.equal(server2.connections, 3);
});

test("bodies delimited by the end of the connection (no length, HTTP/1.0)", async () => {
  const server = await rawServer((socket, head) => {
    const path = pathOf(head);
    if (path === "/close") {
      socket.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ");
      setTimeout(() => socket.end("the end €"), 5);
    } else if (path === "/http10") {
      socket.end("HTTP/1.0 200 OK\r\ncontent-length: 4\r\n\r\nold!");
    } else if (path === "/ows") {
      socket.write("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Ows: \t v  w \t\r\nContent-Length: 0\r\n\r\n");
    } else if (path === "/unknown-te") {
      socket.end("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nraw bytes");
    }
  });
  const r = await send({ url: `${server.url}/close` });
  assert.deepEqual([r.status, r.bodyAsText], [200, "until the end €"]);
  assert.equal((await send({ url: `${server.url}/http10` })).bodyAsText, "old!");
  assert.equal((await send({ url: `${server.url}/unknown-te` })).bodyAsText, "raw bytes");
  const ows = await send({ url: `${server.url}/ows` });
  assert.deepEqual(ows.headers, { "x-empty": "", "x-ows": "v  w", "content-length": "0" });
  assert.equal(server.connections, 4);
});

test("responses split at every byte boundary, and several pieces in one read", async () => {
  const chunked = Buffer.from(
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Split: yes\r\n\r\n" +
      "4;name=value\r\néab\r\n" + // é is 2 bytes: 4 bytes in all
      "7 ; ext\r\n€𝄞\r\n" +
      "0\r\nx-trailer: t\r\n\r\n",
  );
  const fixed = Buffer.from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n€𝄞xy");
  let cut = 0;
  let response = chunked;
  const server = await rawServer((socket) => {
    const at = cut;
    socket.write(response.subarray(0, at));
    setTimeout(() => socket.write(response.subarray(at)), 1);
  });
  for (const [bytes, body] of [
    [chunked, "éab€𝄞"],
    [fixed, "€𝄞xy"],
  ]) {
    response = bytes;
    for (cut = 1; cut < bytes.length; cut++) {
      const r = await send({ url: `${server.url}/split/${cut}` });
      assert.deepEqual([r.status, r.bodyAsText], [200, body], `split at ${cut}`);
    }
  }
  assert.equal(server.connections, 1);

  // One byte per write.
  const bytewise = await rawServer(async (socket) => {
    for (const byte of chunked) {
      socket.write(Buffer.of(byte));
      await new Promise(setImmediate);
    }
  });
  assert.equal((await send({ url: bytewise.url })).bodyAsText, "éab€𝄞");

  // Interim responses and the final one in a single write; then bytes beyond the response.
  const together = await rawServer((socket, head) => {
    if (pathOf(head) === "/extra") return socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokJUNK");
    socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 3\r\nx-final: 1\r\n\r\nall");
  });
  const r = await send({ url: together.url });
  assert.deepEqual([r.status, r.bodyAsText, r.headers["x-final"], r.headers.link], [200, "all", "1", undefined]);
  assert.equal((await send({ url: `${together.url}/extra` })).bodyAsText, "ok");
  // The connection with stray bytes is not reused.
  assert.equal((await send({ url: together.url })).bodyAsText, "all");
  assert.equal(together.connections, 2);
});

test("a body over MAX_RESPONSE_BYTES: bodyTooLarge, nothing kept, reading stopped, memory bounded", async () => {
  const total = 17 << 20;
  const piece = Buffer.alloc(64 << 10, "a");
  /** Writes `total` bytes of "a" with backpressure, stopping when the peer goes. */
  const stream = (out, done) => {
    let sent = 0;
    out.on("close", () => (sent = Infinity));
    const pump = () => {
      while (sent < total) {
        sent += piece.length;
        if (!out.write(piece)) return out.once("drain", pump);
      }
      if (sent === total) done();
    };
    pump();
  };
  const server = await httpServer((req, res) => {
    if (req.url === "/declared") return res.writeHead(200, { "content-length": total }).end();
    res.writeHead(200); // chunked
    stream(res, () => res.end());
  });
  const raw = await rawServer((socket) => {
    socket.write("HTTP/1.1 200 OK\r\n\r\n"); // delimited by the end of the connection
    stream(socket, () => socket.end());
  });

  const declared = await send({ url: `${server.url}/declared` });
  assert.deepEqual([declared.status, declared.bodyTooLarge, declared.bodyAsText], [200, true, ""]);

  for (const url of [`${server.url}/chunked`, raw.url]) {
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 2);
    const r = await send({ url });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    assert.equal(r.status, 200);
    assert.equal(r.bodyTooLarge, true);
    assert.equal(r.bodyAsText, "", "what was read is let go, not decoded");
    // The 16 MiB read before the limit, at most; no concatenation of it, not the 17 MiB stream.
    assert.ok(peak - base < 24 << 20, `external memory grew by ${(peak - base) >> 20} MiB`);
    console.log(`# ${url === raw.url ? "until close" : "chunked"}: external memory grew by at most ${((peak - base) / (1 << 20)).toFixed(1)} MiB`);
  }
  // The connection that was cut is not reused; the next request opens another.
  assert.equal((await send({ url: `${server.url}/declared` })).bodyTooLarge, true);
  assert.equal(server.connections, 3);
});

test("abort: before sending (nothing is sent), mid-response (the connection is closed), with the signal's reason", async () => {
  const server = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial"));
  const before = new AbortController();
  before.abort(new Error("not today"));
  const err = await rejection(send({ url: server.url, abortSignal: before.signal }));
  assert.equal(err.message, "not today");
  await sleep(20);
  assert.equal(server.connections, 0);

  const mid = new AbortController();
  const closed = new Promise((resolve) => server.once("connection", (s) => s.on("close", resolve)));
  const pending = send({ url: server.url, abortSignal: mid.signal });
  await sleep(30);
  mid.abort();
  const aborted = await rejection(pending);
  assert.equal(aborted.name, "AbortError");
  await closed; // the server saw its connection close
  assert.equal(getEventListeners(mid.signal, "abort").length, 0);

  const own = new AbortController();
  const reason = new Error("caller's reason");
  const p = send({ url: server.url, abortSignal: own.signal });
  setTimeout(() => own.abort(reason), 10);
  assert.equal(await rejection(p), reason);
});

test("one long-lived AbortSignal over 1000 requests, and failed ones, collects no listeners", async () => {
  const server = await httpServer((req, res) => res.end("ok"));
  const { signal } = new AbortController();
  setMaxListeners(64, signal); // 32 calls share it at a time
  let most = 0;
  const results = await pool(1000, 32, async (i) => {
    const r = send({ url: `${server.url}/${i}`, abortSignal: signal });
    most = Math.max(most, getEventListeners(signal, "abort").length);
    return r;
  });
  assert.ok(results.every((r) => r.ok && r.value.bodyAsText === "ok"));
  assert.ok(most > 0 && most <= 32, `${most}`);
  assert.equal(getEventListeners(signal, "abort").length, 0);

  const broken = await rawServer((socket) => socket.write("HTTP/1.1 nope\r\n\r\n"));
  const refused = await freePort();
  for (let i = 0; i < 20; i++) {
    await rejection(send({ url: broken.url, abortSignal: signal }));
    await rejection(send({ url: `http://127.0.0.1:${refused}/`, abortSignal: signal }));
  }
  assert.equal(getEventListeners(signal, "abort").length, 0);
});

async function freePort() {
  const s = createNetServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test("connection refused rejects with node's error, by address and by name", async () => {
  const port = await freePort();
  const err = await rejection(send({ url: `http://127.0.0.1:${port}/x` }));
  assert.equal(err.code, "ECONNREFUSED");
  assert.match(err.message, /ECONNREFUSED/);
  const byName = await rejection(send({ url: `http://localhost:${port}/x` }));
  assert.equal(byName.code, "ECONNREFUSED");
  assert.match(byName.message, /ECONNREFUSED/);
});

test("malformed and truncated responses reject (no throw, no hang); the transport works afterwards", async () => {
  const cases = {
    status: ["HTTP/1.1 abc OK\r\n\r\n", /status line/],
    garbage: ["garbage\r\n\r\n", /status line/],
    http2: ["HTTP/2 200\r\n\r\n", /status line/],
    header: ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /header line/],
    fold: ["HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 0\r\n\r\n", /header line/],
    length: ["HTTP/1.1 200 OK\r\ncontent-length: abc\r\n\r\n", /content-length/],
    negative: ["HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n", /content-length/],
    conflict: ["HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!", /content-length/],
    chunksize: ["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", /chunk size/],
    chunkcrlf: ["HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", /CRLF/],
    barelf: ["HTTP/1.1 200 OK\ncontent-length: 2\n\nhi", /bare LF/],
    crinline: ["HTTP/1.1 200 OK\r\nx-a: a\rb\r\ncontent-length: 0\r\n\r\n", /bare CR/],
    spacebefore: ["HTTP/1.1 200 OK\r\nx-a : 1\r\ncontent-length: 0\r\n\r\n", /header line/],
    hugehead: [`HTTP/1.1 200 OK\r\nx-big: ${"b".repeat(20 << 10)}`, /too large/],
    switching: ["HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n", /101/],
  };
  const endings = {
    truncated: "HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello",
    nothing: "",
    halfhead: "HTTP/1.1 200 OK\r\ncontent-le",
    chunkcut: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel",
  };
  const server = await rawServer((socket, head) => {
    const name = pathOf(head).slice(1);
    // Malformed ones keep the connection open: the client must not wait for more.
    if (cases[name]) socket.write(cases[name][0]);
    else socket.end(endings[name]);
  });
  for (const [name, [, pattern]] of Object.entries(cases)) {
    const err = await rejection(send({ url: `${server.url}/${name}` }));
    assert.match(err.message, pattern, name);
    assert.equal(err.code, "ERR_MALFORMED_RESPONSE", name);
  }
  for (const name of Object.keys(endings)) {
    const err = await rejection(send({ url: `${server.url}/${name}` }));
    assert.equal(err.message, "socket hang up", name);
    assert.equal(err.code, "ECONNRESET", name);
  }
  // Bad input is a rejection too, never a synchronous throw.
  // Each with node:http's code for the same refusal, which tells the client it is final.
  const bad = [
    [{ url: "ftp://x/" }, "ERR_INVALID_PROTOCOL"],
    [{ url: "not a url" }, "ERR_INVALID_URL"],
    [{ url: `${server.url}/a b` }, "ERR_UNESCAPED_CHARACTERS"],
    [{ url: `${server.url}/secrets?$skiptoken=a\tb` }, "ERR_UNESCAPED_CHARACTERS"],
    [{ url: server.url, headers: { "x-evil": "a\r\nx-injected: 1" } }, "ERR_INVALID_CHAR"],
    [{ url: server.url, headers: { "bad name": "x" } }, "ERR_INVALID_HTTP_TOKEN"],
    [{ url: server.url, method: "GET /x HTTP/1.1\r\n" }, "ERR_INVALID_HTTP_TOKEN"],
  ];
  for (const [request, code] of bad) {
    let promise;
    assert.doesNotThrow(() => (promise = send(request)));
    const err = await rejection(promise);
    assert.ok(err instanceof TypeError, String(err));
    assert.equal(err.code, code, err.message);
  }
  const fine = await httpServer((req, res) => res.end("still fine"));
  assert.equal((await send({ url: fine.url })).bodyAsText, "still fine");
});

test("latin1 header values are sent as latin1, bodies as UTF-8", async () => {
  const server = await httpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => res.end(JSON.stringify({ ua: Buffer.from(req.headers["user-agent"], "latin1").toString("hex"), body })));
  });
  const r = JSON.parse((await send({ method: "PUT", url: server.url, headers: { "user-agent": "café" }, body: "café €" })).bodyAsText);
  assert.equal(r.ua, Buffer.from("café", "latin1").toString("hex"));
  assert.equal(r.body, "café €");
});

test("IPv6 literal hosts", async (t) => {
  let server;
  try {
    server = await listen(createServer((req, res) => res.end(req.headers.host)), "::1");
  } catch (e) {
    return t.skip(`no IPv6 loopback here: ${e.code ?? e.message}`);
  }
  const r = await send({ url: `${server.url}/v6` });
  assert.equal(r.bodyAsText, server.url.slice("http://".length));
});

/** Runs `code` (an ES module) in a child node; resolves { code, stdout, stderr, ms }. */
function child(code, args = [], env = process.env) {
  const started = Date.now();
  const proc = spawn(process.execPath, ["--input-type=module", "-e", code, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d) => (stdout += d));
  proc.stderr.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => proc.kill("SIGKILL"), 8000);
  return new Promise((resolve) =>
    proc.on("exit", (exit) => {
      clearTimeout(killer);
      resolve({ code: exit, stdout, stderr, ms: Date.now() - started });
    }),
  );
}
const moduleUrl = JSON.stringify(pathToFileURL(repoFile("js/node-socket.mjs")).href);

test("idle keep-alive connections do not keep the process alive", async () => {
  // The server would keep the connection open for a minute.
  const server = await httpServer((req, res) => res.end("hi"));
  const code = `import { nodeSocketClient } from ${moduleUrl};
    const r = await nodeSocketClient.sendRequest({ method: "GET", url: process.argv[1], headers: {} });
    console.log(r.status, r.bodyAsText);`;
  const result = await child(code, [server.url]);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout.trim(), "200 hi");
  assert.equal(result.code, 0);
  assert.ok(result.ms < 4000, `exited after ${result.ms} ms`);
});

test("TLS: certificates are verified; a trusted one works over keep-alive, by name (SNI) and by IP", async (t) => {
  let dir;
  let key, cert;
  try {
    dir = mkdtempSync(join(tmpdir(), "node-transport-"));
    ({ key, cert } = selfSignedCertificate(dir, "localhost", "DNS:localhost,IP:127.0.0.1"));
  } catch (e) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return t.skip(`openssl could not make a self-signed certificate (${e.code ?? e.message}): the TLS path is untested here`);
  }
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = createHttpsServer({ key, cert }, (req, res) =>
    res.end(JSON.stringify({ host: req.headers.host, alpn: req.socket.alpnProtocol, sni: req.socket.servername || null })),
  );
  server.keepAliveTimeout = 60_000;
  await listen(server, "127.0.0.1", "https");
  const port = server.address().port;

  // Not trusted by this process: refused.
  const err = await rejection(send({ url: `https://localhost:${port}/`, abortSignal: new AbortController().signal }));
  assert.match(err.code, /SELF_SIGNED/);

  // Trusted by a child process (NODE_EXTRA_CA_CERTS is read at start-up).
  const code = `import { nodeSocketClient } from ${moduleUrl};
    const out = [];
    for (const url of [process.argv[1], process.argv[1], process.argv[2], process.argv[2]]) {
      const r = await nodeSocketClient.sendRequest({ method: "GET", url, headers: {} });
      out.push({ status: r.status, ...JSON.parse(r.bodyAsText) });
    }
    console.log(JSON.stringify(out));`;
  const result = await child(code, [`https://localhost:${port}/a`, `https://127.0.0.1:${port}/b`], { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") });
  assert.equal(result.stderr, "");
  assert.equal(result.code, 0);
  const out = JSON.parse(result.stdout);
  assert.deepEqual(out.map((r) => [r.status, r.host, r.sni]), [
    [200, `localhost:${port}`, "localhost"],
    [200, `localhost:${port}`, "localhost"],
    [200, `127.0.0.1:${port}`, null],
    [200, `127.0.0.1:${port}`, null],
  ]);
  assert.ok(out.every((r) => r.alpn === "http/1.1"));
  // One refused connection here, one per origin in the child.
  assert.equal(server.connections, 3);
});
