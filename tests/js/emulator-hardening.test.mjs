// The emulator under abuse and failure, as separate processes: connections that idle, dribble
// or pile up against a small open-file limit; clock moves past year 9999; oversized restores;
// data files that cannot be opened or written; backup blobs that were made up or changed;
// the service's 403 bodies; SIGINT with requests in flight.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { repoFile } from "./helpers.mjs";

const BIN = process.env.KEYVAULT_EMULATOR_BIN ?? repoFile("target/emulator/keyvault-emulator");
const API = "api-version=7.5";
const AUTH = { authorization: "Bearer t", "content-type": "application/json" };
const SECRET_PREFIX = ")AzureKeyVaultSecretBackupV1.keyvault-emulator";
const KEY_PREFIX = "&AzureKeyVaultKeyBackupV1.keyvault-emulator";

const children = new Set();
const scratch = mkdtempSync(join(tmpdir(), "kv-hardening-"));
after(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Starts the emulator, through `sh -c '<shell>; exec …'` when `shell` is given (limits, signal
 * dispositions). Resolves once it announced its URL; `exited` resolves to { code, signal }.
 */
function launch(args = [], { shell } = {}) {
  const argv = ["--port", "0", ...args];
  const child = shell
    ? spawn("sh", ["-c", `${shell}; exec "$0" "$@"`, BIN, ...argv], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(BIN, argv, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    exited.then(({ code }) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      if (!m) return reject(new Error(line));
      resolve({ url: m[1], port: Number(m[2]), child, exited, stderr: () => stderr });
    });
  });
}

/** Runs the emulator expecting it to fail at start: { code, stderr } once its output is read. */
function failToStart(args) {
  return new Promise((resolve) => {
    const child = spawn(BIN, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** One request on a fresh connection: { status, headers, text, json }. */
function request(url, { method = "GET", headers = {}, body, timeout = 5_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false, timeout }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let json;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within ${timeout} ms`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  });
}

const api = (em, path, options = {}) =>
  request(`${em.url}${path}${path.includes("?") ? "&" : "?"}${API}`, { ...options, headers: { ...AUTH, ...options.headers } });

/** A connected raw socket that records when the server closed it. */
function connect(port, timeout = 5_000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", timeout });
    socket.once("timeout", () => socket.destroy(new Error(`connect: no answer within ${timeout} ms`)));
    socket.closedAt = new Promise((r) => socket.on("close", () => r(performance.now())));
    socket.received = "";
    socket.on("data", (d) => (socket.received += d));
    socket.on("error", () => {});
    socket.once("connect", () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

// --- connections ------------------------------------------------------------------------------

test("under a 64-descriptor limit, 80 idle and 200 half-sent connections do not starve a new client", async () => {
  const em = await launch([], { shell: "ulimit -n 64" });
  const drips = [];
  // All at once, as a burst of clients would; a server that stops accepting leaves them
  // hanging in a full listen backlog.
  const sockets = await Promise.all(Array.from({ length: 280 }, () => connect(em.port, 2_000).catch(() => null)));
  try {
    sockets.slice(80).forEach((s, i) => {
      s?.write(`PUT /secrets/slow-${i}?${API} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
      drips.push(setInterval(() => s?.destroyed || s?.write("a"), 200));
    });
    const started = performance.now();
    const probe = await api(em, "/secrets/probe", { method: "PUT", body: { value: "served" }, timeout: 5_000 });
    assert.equal(probe.status, 200, probe.text);
    assert.equal(probe.json.value, "served");
    assert.ok(performance.now() - started < 3_000, `served after ${performance.now() - started} ms`);
    // Still serving: a read on another fresh connection.
    assert.equal((await api(em, "/secrets/probe")).json.value, "served");
    assert.equal(sockets.filter(Boolean).length, 280, "every connection was accepted");
    const { connections } = (await request(`${em.url}/_emulator/config`)).json;
    assert.equal(connections.maxConnections, 32, "the cap leaves 32 of the 64 descriptors free");
    assert.ok(connections.open <= 32, JSON.stringify(connections));
  } finally {
    drips.forEach(clearInterval);
    sockets.forEach((s) => s?.destroy());
    em.child.kill("SIGKILL");
  }
});

test("half-sent requests are closed within the header timeout, idle connections within the idle timeout", async () => {
  const em = await launch(["--header-timeout-ms", "600", "--idle-timeout-ms", "1500"]);
  const drips = [];
  try {
    const t0 = performance.now();
    const slow = [];
    for (let i = 0; i < 10; i++) {
      const s = await connect(em.port);
      s.write(`GET /secrets/x?${API} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
      drips.push(setInterval(() => s.destroyed || s.write("a"), 100));
      slow.push(s);
    }
    // Complete headers, half a body.
    const halfBody = await connect(em.port);
    halfBody.write(`PUT /secrets/x?${API} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 100\r\n\r\n{"value":`);
    const idle = [];
    for (let i = 0; i < 3; i++) idle.push(await connect(em.port));
    // A keep-alive connection that answered once, then idles.
    const kept = await connect(em.port);
    kept.write(`GET /_emulator/clock HTTP/1.1\r\nHost: x\r\n\r\n`);
    // A connection busy with a request every 400 ms outlives the idle timeout.
    const busy = await connect(em.port);
    const ask = () => busy.write(`GET /_emulator/clock HTTP/1.1\r\nHost: x\r\n\r\n`);
    ask();
    drips.push(setInterval(ask, 400));

    const closed = async (sockets) => Promise.all(sockets.map(async (s) => (await s.closedAt) - t0));
    for (const ms of await closed([...slow, halfBody])) {
      assert.ok(ms > 400 && ms < 2_000, `a half-sent request closed after ${Math.round(ms)} ms (header timeout 600)`);
    }
    for (const ms of await closed([...idle, kept])) {
      assert.ok(ms > 1_300 && ms < 3_000, `an idle connection closed after ${Math.round(ms)} ms (idle timeout 1500)`);
    }
    assert.match(kept.received, /^HTTP\/1\.1 200 OK/, "answered before idling");
    const { connections } = (await request(`${em.url}/_emulator/config`)).json;
    assert.deepEqual([connections.headerTimeoutMs, connections.idleTimeoutMs], [600, 1500]);
    assert.ok(slow.every((s) => s.received === ""), "closed without an answer");
    await sleep(t0 + 2_500 - performance.now());
    assert.equal(busy.destroyed, false, "a connection in use is not idle");
    const answers = busy.received.split("HTTP/1.1 200 OK").length - 1;
    assert.ok(answers >= 4, `and kept answering (${answers} answers in 2.5 s)`);
  } finally {
    drips.forEach(clearInterval);
    em.child.kill("SIGKILL");
  }
});

test("--max-connections: over the cap the longest-idle connection is closed, new clients are served", async () => {
  const em = await launch(["--max-connections", "4"]);
  try {
    const sockets = [];
    for (let i = 0; i < 6; i++) {
      sockets.push(await connect(em.port));
      await sleep(20);
    }
    const probe = await request(`${em.url}/_emulator/config`);
    assert.equal(probe.status, 200);
    const t = await Promise.race([Promise.all(sockets.slice(0, 3).map((s) => s.closedAt)), sleep(2_000).then(() => null)]);
    assert.ok(t, "the three oldest idle connections were closed to make room");
    assert.equal(sockets[5].destroyed, false, "the newest stays");
    sockets.forEach((s) => s.destroy());
  } finally {
    em.child.kill("SIGKILL");
  }
});

// --- clock ------------------------------------------------------------------------------------

test("the clock refuses moves that would leave years 1 to 9999, and stays where it was", async () => {
  const em = await launch([]);
  try {
    const clock = (body) =>
      request(`${em.url}/_emulator/clock`, { method: body ? "POST" : "GET", body, headers: { "content-type": "application/json" } });
    for (const body of ['{"advanceSeconds":9223372036854775807}', '{"advanceSeconds":9223372036854775807}', '{"advanceSeconds":-9223372036854775808}']) {
      const refused = await clock(body);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.error.code, "BadParameter");
      assert.match(
        refused.json.error.message,
        /^The clock cannot be moved there: .*It must stay between 0001-01-01T00:00:00Z and 9999-10-02T23:59:59Z \(-62135596800 … 253394524799 Unix seconds\)/,
      );
    }
    assert.equal((await clock()).json.offsetSeconds, 0, "nothing moved");

    const max = 253394524799;
    const { now } = (await clock()).json;
    const toMax = await clock(JSON.stringify({ advanceSeconds: max - now - 5 }));
    assert.equal(toMax.status, 200, toMax.text);
    assert.ok(toMax.json.now <= max && toMax.json.now > max - 10);
    assert.equal((await clock(JSON.stringify({ advanceSeconds: 20 }))).status, 400, "one step too far");
    const before = await clock(JSON.stringify({ advanceSeconds: -(toMax.json.now + 62135596800) - 20 }));
    assert.equal(before.status, 400, "before year 1");

    // Every date written at the edge is still a date of year 9999.
    const set = await api(em, "/secrets/edge", { method: "PUT", body: { value: "v" } });
    assert.equal(set.status, 200, set.text);
    const deleted = await api(em, "/secrets/edge", { method: "DELETE" });
    assert.ok(deleted.json.scheduledPurgeDate <= 253402300799, JSON.stringify(deleted.json));
    const back = await clock(JSON.stringify({ advanceSeconds: -toMax.json.offsetSeconds }));
    assert.equal(back.json.offsetSeconds, 0);
  } finally {
    em.child.kill("SIGKILL");
  }
});

// --- limits and start-up errors ---------------------------------------------------------------

test("a 413 names the limit it enforces: 1 MiB, or 64 MiB for a restore", async () => {
  const em = await launch([]);
  try {
    const put = await api(em, "/secrets/big", { method: "PUT", body: { value: "y".repeat((1 << 20) + 10) } });
    assert.equal(put.status, 413);
    assert.deepEqual(put.json.error, {
      code: "RequestEntityTooLarge",
      message: "The request body is larger than the maximum of 1 MiB (1048576 bytes).",
    });
    const blob = Buffer.alloc((64 << 20) + 16, "a");
    const body = Buffer.concat([Buffer.from('{"value":"'), blob, Buffer.from('"}')]);
    for (const plane of ["secrets", "keys"]) {
      const restore = await api(em, `/${plane}/restore`, { method: "POST", body, timeout: 20_000 });
      assert.equal(restore.status, 413, plane);
      assert.deepEqual(restore.json.error, {
        code: "RequestEntityTooLarge",
        message: "The request body is larger than the maximum of 64 MiB (67108864 bytes).",
      });
    }
  } finally {
    em.child.kill("SIGKILL");
  }
});

test("start-up errors say what failed: the data file, or the address", async () => {
  const missing = join(scratch, "no-such-dir", "state.db");
  const a = await failToStart(["--data", missing]);
  assert.equal(a.code, 1);
  assert.match(a.stderr, new RegExp(`^keyvault-emulator: cannot open the data file ${missing}: unable to open database file`));
  assert.doesNotMatch(a.stderr, /cannot listen/);

  const notADatabase = join(scratch, "not-a-database.db");
  writeFileSync(notADatabase, "this is not SQLite ".repeat(300));
  const b = await failToStart(["--data", notADatabase]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, new RegExp(`^keyvault-emulator: cannot open the data file ${notADatabase}: file is not a database`));

  const em = await launch([]);
  try {
    const c = await new Promise((resolve) => {
      const child = spawn(BIN, ["--port", String(em.port)], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    assert.equal(c.code, 1);
    assert.match(c.stderr, new RegExp(`^keyvault-emulator: cannot listen on 127\\.0\\.0\\.1:${em.port}: .*in use`));
  } finally {
    em.child.kill("SIGKILL");
  }
});

// --- backups ----------------------------------------------------------------------------------

const CORRUPT = { code: "BadParameter", message: "The backup blob is invalid or corrupt." };
const version = (id, extra = {}) => ({
  version: id,
  value: "v",
  content_type: null,
  tags: null,
  enabled: true,
  not_before: null,
  expires: null,
  created: 1700000000,
  updated: 1700000000,
  ...extra,
});
const ID = "0123456789abcdef0123456789abcdef";

test("a made-up backup blob is refused and stores nothing", async () => {
  const em = await launch([]);
  try {
    const crafted = (json) => b64url(Buffer.concat([Buffer.from(SECRET_PREFIX), Buffer.from(json)]));
    const twice = crafted(JSON.stringify({ name: "twice", versions: [version(ID), version(ID)], meta: null }));
    const oversized = crafted(
      JSON.stringify({
        name: "oversized",
        versions: [
          version(ID, {
            value: "x".repeat(3 << 20),
            tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`t${i}`, "v"])),
            content_type: "c".repeat(10_000),
            expires: 1e15,
          }),
        ],
        meta: null,
      }).replace('"created":1700000000', '"created":9223372036854775807'),
    );
    for (const [name, value] of [["twice", twice], ["oversized", oversized]]) {
      const restored = await api(em, "/secrets/restore", { method: "POST", body: { value } });
      assert.equal(restored.status, 400, `${name}: ${restored.text.slice(0, 200)}`);
      assert.deepEqual(restored.json.error, CORRUPT);
      assert.equal((await api(em, `/secrets/${name}`)).status, 404, `${name} was not stored`);
    }
    const key = b64url(Buffer.concat([Buffer.from(KEY_PREFIX), Buffer.from('{"name":"k","versions":[],"meta":{}}')]));
    const keyRestore = await api(em, "/keys/restore", { method: "POST", body: { value: key } });
    assert.deepEqual([keyRestore.status, keyRestore.json.error], [400, CORRUPT]);
    assert.equal((await api(em, "/secrets")).json.value.length, 0);
  } finally {
    em.child.kill("SIGKILL");
  }
});

/** Backs up `name` of `plane`, then deletes and purges it: the blob. */
async function backupAndPurge(em, plane, name) {
  const backup = await api(em, `/${plane}/${name}/backup`, { method: "POST" });
  assert.equal(backup.status, 200, backup.text);
  assert.equal((await api(em, `/${plane}/${name}`, { method: "DELETE" })).status, 200);
  assert.equal((await api(em, `/deleted${plane}/${name}`, { method: "DELETE" })).status, 204);
  return backup.json.value;
}

test("a backup blob with one byte changed is refused; intact ones restore secrets and keys", async () => {
  const em = await launch([]);
  try {
    const value = "a".repeat(3_000);
    await api(em, "/secrets/sealed", { method: "PUT", body: { value, tags: { t: "1" } } });
    const second = await api(em, "/secrets/sealed", { method: "PUT", body: { value: "second", contentType: "text/plain" } });
    const blob = await backupAndPurge(em, "secrets", "sealed");
    const bytes = Buffer.from(blob, "base64url");
    assert.ok(bytes.subarray(0, SECRET_PREFIX.length).equals(Buffer.from(SECRET_PREFIX)), "the service's prefix shape");
    assert.ok(!bytes.includes("aaaaaaaa"), "the content is not readable in the blob");
    for (const at of [SECRET_PREFIX.length + 3, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at] ^= 1;
      const restored = await api(em, "/secrets/restore", { method: "POST", body: { value: b64url(flipped) } });
      assert.deepEqual([restored.status, restored.json.error], [400, CORRUPT], `byte ${at} flipped`);
    }
    assert.equal((await api(em, "/secrets/sealed")).status, 404);

    const restored = await api(em, "/secrets/restore", { method: "POST", body: { value: blob } });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.id, second.json.id);
    assert.equal((await api(em, "/secrets/sealed")).json.value, "second");
    const versions = (await api(em, "/secrets/sealed/versions")).json.value;
    assert.equal(versions.length, 2);
    const first = versions.find((v) => v.id !== second.json.id);
    assert.equal((await request(`${first.id}?${API}`, { headers: AUTH })).json.value, value);

    const created = await api(em, "/keys/sealed-key/create", { method: "POST", body: { kty: "EC", crv: "P-256" } });
    const kid = created.json.key.kid;
    const keyBlob = await backupAndPurge(em, "keys", "sealed-key");
    const keyBytes = Buffer.from(keyBlob, "base64url");
    const flipped = Buffer.from(keyBytes);
    flipped[Math.floor(flipped.length / 2)] ^= 1;
    const tampered = await api(em, "/keys/restore", { method: "POST", body: { value: b64url(flipped) } });
    assert.deepEqual([tampered.status, tampered.json.error], [400, CORRUPT]);
    // A secret's blob is not a key's.
    const crossed = await api(em, "/keys/restore", { method: "POST", body: { value: blob } });
    assert.deepEqual([crossed.status, crossed.json.error], [400, CORRUPT]);
    const key = await api(em, "/keys/restore", { method: "POST", body: { value: keyBlob } });
    assert.equal(key.status, 200, key.text);
    assert.equal(key.json.key.kid, kid);
    const digest = b64url(Buffer.alloc(32, 7));
    const signed = await request(`${kid}/sign?${API}`, { method: "POST", headers: AUTH, body: { alg: "ES256", value: digest } });
    assert.equal(signed.status, 200, signed.text);
    const verified = await request(`${kid}/verify?${API}`, {
      method: "POST",
      headers: AUTH,
      body: { alg: "ES256", digest, value: signed.json.value },
    });
    assert.equal(verified.json.value, true, "the restored key still signs");
  } finally {
    em.child.kill("SIGKILL");
  }
});

test("with --data a backup restores after a restart; another emulator's backup does not", async () => {
  const data = join(scratch, "backups.db");
  let em = await launch(["--data", data]);
  const other = await launch([]);
  try {
    await api(em, "/secrets/kept", { method: "PUT", body: { value: "across restarts" } });
    await api(em, "/keys/kept-key/create", { method: "POST", body: { kty: "EC" } });
    const secretBlob = await backupAndPurge(em, "secrets", "kept");
    const keyBlob = await backupAndPurge(em, "keys", "kept-key");
    em.child.kill("SIGTERM");
    assert.deepEqual(await em.exited, { code: 0, signal: null });

    em = await launch(["--data", data]);
    const secret = await api(em, "/secrets/restore", { method: "POST", body: { value: secretBlob } });
    assert.equal(secret.status, 200, secret.text);
    assert.equal((await api(em, "/secrets/kept")).json.value, "across restarts");
    const key = await api(em, "/keys/restore", { method: "POST", body: { value: keyBlob } });
    assert.equal(key.status, 200, key.text);

    // Another emulator (its own key) cannot read them.
    const foreign = await api(other, "/secrets/restore", { method: "POST", body: { value: secretBlob } });
    assert.deepEqual([foreign.status, foreign.json.error], [400, CORRUPT]);
    await api(other, "/secrets/elsewhere", { method: "PUT", body: { value: "x" } });
    const otherBlob = (await api(other, "/secrets/elsewhere/backup", { method: "POST" })).json.value;
    const refused = await api(em, "/secrets/restore", { method: "POST", body: { value: otherBlob } });
    assert.deepEqual([refused.status, refused.json.error], [400, CORRUPT]);
  } finally {
    em.child.kill("SIGKILL");
    other.child.kill("SIGKILL");
  }
});

// --- the service's 403 bodies -----------------------------------------------------------------

test("403 bodies are the service's: a disabled secret, an operation not in key_ops", async () => {
  const em = await launch([]);
  try {
    const set = await api(em, "/secrets/off", { method: "PUT", body: { value: "v" } });
    await request(`${set.json.id}?${API}`, { method: "PATCH", headers: AUTH, body: { attributes: { enabled: false } } });
    const disabled = await api(em, "/secrets/off");
    assert.equal(disabled.status, 403);
    assert.equal(
      disabled.text,
      '{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}',
    );

    const key = await api(em, "/keys/sign-only/create", { method: "POST", body: { kty: "RSA", key_ops: ["sign", "verify"] } });
    const decrypt = await request(`${key.json.key.kid}/decrypt?${API}`, {
      method: "POST",
      headers: AUTH,
      body: { alg: "RSA-OAEP", value: b64url(Buffer.alloc(256, 1)) },
    });
    assert.equal(decrypt.status, 403);
    assert.equal(
      decrypt.text,
      '{"error":{"code":"Forbidden","message":"Operation decrypt is not permitted on this key.","innererror":{"code":"KeyOperationForbidden"}}}',
    );
    assert.equal(decrypt.headers["content-length"], "136", "the length the service sent");
  } finally {
    em.child.kill("SIGKILL");
  }
});

// --- a failed write, SIGINT -------------------------------------------------------------------

test("a --data write the disk refuses answers 500 and changes nothing, in memory or on disk", async () => {
  const data = join(scratch, "full.db");
  // Files may not grow past 256 KiB (512-byte blocks); the signal is ignored, so the write fails.
  let em = await launch(["--data", data], { shell: "trap '' XFSZ; ulimit -f 512" });
  const acknowledged = new Map();
  let failed;
  try {
    const small = await api(em, "/secrets/before", { method: "PUT", body: { value: "old" } });
    assert.equal(small.status, 200, small.text);
    acknowledged.set("before", "old");
    for (let i = 0; i < 40 && !failed; i++) {
      const value = `${i}`.padEnd(25 * 1024, "z");
      const put = await api(em, `/secrets/big-${i}`, { method: "PUT", body: { value } });
      if (put.status === 200) acknowledged.set(`big-${i}`, value);
      else failed = { name: `big-${i}`, put };
    }
    assert.ok(failed, "the file limit was reached");
    assert.equal(failed.put.status, 500, failed.put.text);
    assert.equal(failed.put.json.error.code, "InternalServerError");
    assert.match(failed.put.json.error.message, /^The emulator could not store the change: /);
    assert.equal((await api(em, `/secrets/${failed.name}`)).status, 404, "the failed write is not visible");
    const overwrite = await api(em, "/secrets/before", { method: "PUT", body: { value: "new".padEnd(25 * 1024, "n") } });
    assert.equal(overwrite.status, 500);
    assert.equal((await api(em, "/secrets/before")).json.value, "old", "the old state is served");
    const listed = (await api(em, "/secrets?maxresults=25")).json;
    const names = new Set();
    for (let page = listed; ; ) {
      page.value.forEach((item) => names.add(item.id.split("/").pop()));
      if (!page.nextLink) break;
      page = (await request(page.nextLink, { headers: AUTH })).json;
    }
    assert.deepEqual([...names].sort(), [...acknowledged.keys()].sort());
  } finally {
    em.child.kill("SIGKILL");
    await em.exited;
  }
  // What is on disk is what was acknowledged.
  em = await launch(["--data", data]);
  try {
    for (const [name, value] of acknowledged) {
      assert.equal((await api(em, `/secrets/${name}`)).json.value, value, name);
    }
    assert.equal((await api(em, `/secrets/${failed.name}`)).status, 404);
  } finally {
    em.child.kill("SIGKILL");
  }
});

test("SIGINT: in-flight requests complete, idle and new connections are refused, exit code 0", async () => {
  const em = await launch([]);
  // An idle keep-alive connection that has answered once.
  const idle = await connect(em.port);
  idle.write(`GET /_emulator/clock HTTP/1.1\r\nHost: x\r\n\r\n`);
  while (!idle.received.includes("\r\n\r\n")) await sleep(10);
  // A request whose body is half sent.
  const body = JSON.stringify({ value: "finished after the signal" });
  const inFlight = await connect(em.port);
  inFlight.write(
    `PUT /secrets/inflight?${API} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  await sleep(100);
  const signalled = performance.now();
  em.child.kill("SIGINT");
  await sleep(300);

  await assert.rejects(connect(em.port), { code: "ECONNREFUSED" }, "no new connections");
  const idleClosed = await Promise.race([idle.closedAt, sleep(1_000).then(() => null)]);
  assert.ok(idleClosed, "the idle connection was closed");

  inFlight.write(body.slice(10));
  await inFlight.closedAt;
  const [head, answer] = inFlight.received.split("\r\n\r\n");
  assert.match(head, /^HTTP\/1\.1 200 OK/);
  assert.match(head, /\r\nconnection: close/i);
  assert.equal(JSON.parse(answer).value, "finished after the signal");
  const exit = await em.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(performance.now() - signalled < 3_000, "well within the grace period");
});

test("SIGINT: a request that never completes is given up after the 3 s grace period, exit code 0", async () => {
  const em = await launch([]);
  const stuck = await connect(em.port);
  stuck.write(`PUT /secrets/stuck?${API} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 50\r\n\r\n{`);
  await sleep(100);
  const signalled = performance.now();
  em.child.kill("SIGINT");
  const exit = await em.exited;
  const took = performance.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(took > 2_800 && took < 4_500, `exited after ${Math.round(took)} ms`);
  await stuck.closedAt;
  assert.equal(stuck.received, "", "no answer to an incomplete request");
});
