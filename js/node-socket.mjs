import net from "node:net";
import { TAKES_TRY_SIGNAL } from "./abort.mjs";
import { MAX_RESPONSE_BYTES } from "./limits.mjs";

// The Node transport: HTTP/1.1 with keep-alive written straight onto node:net / node:tls sockets.
// A vault exchange is small JSON both ways, one request per connection at a time, so a direct
// writer and parser need a fraction of node:http's per-request CPU (ClientRequest, IncomingMessage
// and the Agent's bookkeeping are most of a call's client-side cost).

/** An idle connection is closed after this long; servers drop theirs not much later. */
const IDLE_MS = 5000;
/** A response head (status line and headers, or trailers) larger than this is refused, as node:http does. */
const MAX_HEAD_BYTES = 16 << 10;
/** A chunk-size line (size and extensions) longer than this is refused. */
const MAX_CHUNK_LINE = 4096;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Request paths are sent as they are: anything a URL would have escaped is refused. */
const UNESCAPED_PATH = /[^\x21-\x7e]/;
/** Header values outside printable ASCII: latin1 (written as such) or forbidden (CR, LF, NUL, ...). */
const NON_ASCII_VALUE = /[^\t\x20-\x7e]/;
const INVALID_VALUE = /[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/;
/** A head's lines end in CRLF; a CR or LF alone is refused, as node:http does. */
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/;
// `.` matches neither CR nor LF.
const CHUNK_LINE = /^([0-9A-Fa-f]+)[ \t]*(?:;.*)?\r$/;
const CONTENT_LENGTH = /^\d+(?:[ \t]*,[ \t]*\d+)*$/;
const CLOSE = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const CHUNKED_LAST = /(?:^|,)[ \t]*chunked[ \t]*$/i;
const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");

/** Errors with which a reused connection fails when the server had closed it while idle. */
const STALE = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

const malformed = (what) => Object.assign(new Error(`malformed HTTP response: ${what}`), { code: "ERR_MALFORMED_RESPONSE" });
/** A request that cannot be sent as built, with node:http's code for the same refusal. */
const unsendable = (message, code) => Object.assign(new TypeError(message), { code });
const hangUp = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

/**
 * Per origin (`protocol//host:port` as the URL spells it): where to connect, the host header,
 * and the idle connections. A client talks to one vault, so this is parsed once, not per request.
 */
const origins = new Map();

function originOf(key) {
  const u = new URL(key);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw unsendable(`unsupported protocol ${u.protocol} in ${key}`, "ERR_INVALID_PROTOCOL");
  const secure = u.protocol === "https:";
  // IPv6 literals are bracketed in URLs, not in connect().
  const host = u.hostname.charCodeAt(0) === 91 ? u.hostname.slice(1, -1) : u.hostname;
  return {
    secure,
    host,
    port: Number(u.port) || (secure ? 443 : 80),
    hostHeader: u.host,
    // SNI is for names only, never IP addresses.
    servername: net.isIP(host) ? undefined : host,
    idle: [],
    // The latest TLS session: new connections resume it instead of a full handshake.
    session: undefined,
  };
}

/** One request from its first write to its settling, across a retry on a fresh connection. */
class Exchange {
  constructor(origin, payload, signal, noBody, close, resolve, reject) {
    this.origin = origin;
    this.payload = payload;
    this.signal = signal;
    this.noBody = noBody;
    this.close = close;
    this.resolve = resolve;
    this.reject = reject;
    this.conn = null;
    this.retried = false;
  }

  /** The abort listener (EventTarget calls handleEvent): the connection goes, the call rejects. */
  handleEvent() {
    const conn = this.conn;
    this.conn = null;
    if (conn !== null) {
      conn.exchange = null;
      conn.socket.destroy();
    }
    this.reject(this.signal.reason ?? new DOMException("This operation was aborted", "AbortError"));
  }

  settle() {
    this.conn = null;
    // Removed in every outcome: a signal reused for many calls must not collect listeners.
    if (this.signal !== undefined) this.signal.removeEventListener("abort", this);
  }
}

// Parser states.
const HEAD = 0, LENGTH = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_END = 4, TRAILER = 5, UNTIL_CLOSE = 6, DONE = 7;

/**
 * node:tls, loaded at the first https connection: it costs ~5 ms of startup, which a program
 * talking only to a local emulator over http never needs to pay. (`getBuiltinModule` works
 * alike in the CommonJS bundle, in ES modules and in apps bundled for Node, and bundlers leave it be.)
 */
let tlsModule;
const tls = () => (tlsModule ??= process.getBuiltinModule("node:tls"));

/** A socket to one origin and the response being read on it. */
class Connection {
  constructor(origin) {
    this.origin = origin;
    this.exchange = null;
    this.idle = false;
    this.reused = false;
    this.state = HEAD;
    /** Unparsed bytes kept for the next read (a head, a chunk-size line or a CRLF split across reads). */
    this.pending = null;
    /** Where the search for the end of the head resumes in `pending`. */
    this.scanFrom = 0;
    this.seen = false;
    this.status = 0;
    this.headers = null;
    this.keepAlive = true;
    this.tooLarge = false;
    this.remaining = 0;
    this.trailer = 0;
    this.chunks = [];
    this.size = 0;
    let socket;
    if (origin.secure) {
      socket = tls().connect({
        host: origin.host,
        port: origin.port,
        servername: origin.servername,
        ALPNProtocols: ["http/1.1"],
        session: origin.session,
      });
      socket.setNoDelay(true);
      socket.on("session", (session) => {
        origin.session = session;
      });
    } else {
      socket = net.connect({ host: origin.host, port: origin.port, noDelay: true });
    }
    this.socket = socket;
    // Inactivity timer of the socket itself (unref'd by node): it closes idle connections only.
    socket.setTimeout(IDLE_MS);
    socket.on("timeout", () => {
      if (this.exchange === null) socket.destroy();
    });
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("end", () => this.onEnd());
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.onClose());
  }

  begin(exchange) {
    this.exchange = exchange;
    exchange.conn = this;
    this.state = HEAD;
    this.pending = null;
    this.scanFrom = 0;
    this.seen = false;
    this.keepAlive = !exchange.close;
    this.tooLarge = false;
    this.chunks = [];
    this.size = 0;
    this.socket.write(exchange.payload);
  }

  onData(chunk) {
    // Bytes nobody asked for: the connection is out of step and cannot be used again.
    if (this.exchange === null) return void this.socket.destroy();
    this.seen = true;
    if (this.pending !== null) {
      chunk = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    try {
      this.parse(chunk);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Keeps `buf[at..]` for the next read. */
  /** Takes body bytes from `buf[at..end)`, up to what the body still owes; returns where it stopped. */
  take(buf, at, end) {
    const n = Math.min(this.remaining, end - at);
    if (n > 0) {
      this.chunks.push(buf.subarray(at, at + n));
      this.size += n;
      this.remaining -= n;
    }
    return at + n;
  }

  keep(buf, at) {
    if (at < buf.length) this.pending = buf.subarray(at);
  }

  parse(buf) {
    const end = buf.length;
    let at = 0;
    while (this.exchange !== null) {
      switch (this.state) {
        case HEAD: {
          const from = at + this.scanFrom;
          this.scanFrom = 0;
          const stop = buf.indexOf(CRLFCRLF, from);
          if (stop === -1) {
            if (end - at > MAX_HEAD_BYTES) throw malformed("the response head is too large");
            // Without this, a head ended by bare LFs would wait for a CRLF that never comes.
            if (buf.indexOf(LFLF, from) !== -1) throw malformed("bare LF in the response head");
            this.keep(buf, at);
            this.scanFrom = Math.max(0, end - at - 3);
            return;
          }
          if (stop - at > MAX_HEAD_BYTES) throw malformed("the response head is too large");
          this.head(buf.toString("latin1", at, stop));
          at = stop + 4;
          break;
        }
        case LENGTH: {
          at = this.take(buf, at, end);
          if (this.remaining > 0) return;
          this.state = DONE;
          break;
        }
        case CHUNK_SIZE: {
          const nl = buf.indexOf(10, at);
          if (nl === -1) {
            if (end - at > MAX_CHUNK_LINE) throw malformed("chunk-size line too long");
            return this.keep(buf, at);
          }
          const line = buf.toString("latin1", at, nl);
          const m = CHUNK_LINE.exec(line);
          if (m === null) throw malformed(`invalid chunk size ${JSON.stringify(line.slice(0, 40))}`);
          at = nl + 1;
          const n = parseInt(m[1], 16);
          if (n === 0) {
            this.state = TRAILER;
            this.trailer = 0;
          } else if (this.size + n > MAX_RESPONSE_BYTES) {
            this.overLimit();
          } else {
            this.remaining = n;
            this.state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA: {
          at = this.take(buf, at, end);
          if (this.remaining > 0) return;
          this.state = CHUNK_END;
          break;
        }
        case CHUNK_END: {
          if (end - at < 2) return this.keep(buf, at);
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw malformed("chunk data not followed by CRLF");
          at += 2;
          this.state = CHUNK_SIZE;
          break;
        }
        case TRAILER: {
          // Trailers are read past, not kept: a vault sends none.
          const nl = buf.indexOf(10, at);
          if (nl === -1) {
            if (this.trailer + end - at > MAX_HEAD_BYTES) throw malformed("the trailers are too large");
            return this.keep(buf, at);
          }
          if (nl === at || buf[nl - 1] !== 13) throw malformed("bare LF in the trailers");
          const last = nl - at === 1;
          this.trailer += nl + 1 - at;
          at = nl + 1;
          if (last) this.state = DONE;
          else if (this.trailer > MAX_HEAD_BYTES) throw malformed("the trailers are too large");
          break;
        }
        case UNTIL_CLOSE: {
          const n = end - at;
          if (this.size + n > MAX_RESPONSE_BYTES) {
            this.overLimit();
            break;
          }
          if (n > 0) {
            this.chunks.push(at === 0 ? buf : buf.subarray(at));
            this.size += n;
          }
          return;
        }
        case DONE:
          // Bytes after the response (none are expected without pipelining): not reused.
          if (at < end) this.keepAlive = false;
          return this.finish();
      }
    }
  }

  /**
   * The body is over MAX_RESPONSE_BYTES (declared, or counted as it arrives): reading stops,
   * what was read is let go, and the connection is closed when the response settles.
   */
  overLimit() {
    this.tooLarge = true;
    this.keepAlive = false;
    this.chunks = [];
    this.size = 0;
    this.state = DONE;
  }

  /** Reads a response head and chooses how its body is delimited. */
  head(text) {
    if (BARE_CR_OR_LF.test(text)) throw malformed("bare CR or LF in the response head");
    let eol = text.indexOf("\r\n");
    if (eol === -1) eol = text.length;
    const m = STATUS_LINE.exec(text.slice(0, eol));
    if (m === null) throw malformed(`invalid status line ${JSON.stringify(text.slice(0, Math.min(eol, 100)))}`);
    const status = Number(m[2]);
    const headers = {};
    for (let at = eol + 2; at < text.length; at = eol + 2) {
      eol = text.indexOf("\r\n", at);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(":", at);
      const name = colon === -1 || colon > eol ? "" : text.slice(at, colon);
      // No space before the colon, and no folded lines (they start with a space).
      if (!TOKEN.test(name)) throw malformed(`invalid header line ${JSON.stringify(text.slice(at, Math.min(eol, at + 100)))}`);
      let start = colon + 1;
      let end = eol;
      for (let c = text.charCodeAt(start); start < end && (c === 32 || c === 9); c = text.charCodeAt(++start));
      for (let c = text.charCodeAt(end - 1); end > start && (c === 32 || c === 9); c = text.charCodeAt(--end - 1));
      const value = text.slice(start, end);
      const key = name.toLowerCase();
      if (key === "__proto__") continue;
      headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
    }
    if (status < 200) {
      // Interim responses (100 Continue, 103 Early Hints) precede the real one; a switch of
      // protocols was never asked for.
      if (status === 101) throw malformed("unexpected 101 Switching Protocols");
      return;
    }
    this.status = status;
    this.headers = headers;
    if (m[1] === "0" || (headers.connection !== undefined && CLOSE.test(headers.connection))) this.keepAlive = false;
    const te = headers["transfer-encoding"];
    const cl = headers["content-length"];
    if (this.exchange.noBody || status === 204 || status === 304) {
      this.state = DONE;
    } else if (te !== undefined) {
      // Transfer-Encoding wins over Content-Length; a response with both is not trusted for reuse.
      if (CHUNKED_LAST.test(te)) {
        this.state = CHUNK_SIZE;
        if (cl !== undefined) this.keepAlive = false;
      } else {
        this.state = UNTIL_CLOSE;
        this.keepAlive = false;
      }
    } else if (cl !== undefined) {
      if (!CONTENT_LENGTH.test(cl)) throw malformed(`invalid content-length ${JSON.stringify(cl.slice(0, 40))}`);
      const values = cl.split(",");
      const n = Number(values[0]);
      for (let i = 1; i < values.length; i++) if (Number(values[i]) !== n) throw malformed(`conflicting content-length ${cl}`);
      if (n > MAX_RESPONSE_BYTES) {
        this.overLimit();
      } else if (n === 0) {
        this.state = DONE;
      } else {
        this.remaining = n;
        this.state = LENGTH;
      }
    } else {
      this.state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
  }

  finish() {
    const exchange = this.exchange;
    this.exchange = null;
    exchange.settle();
    const chunks = this.chunks;
    const response = {
      status: this.status,
      headers: this.headers,
      bodyAsText:
        chunks.length === 0 ? "" : chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks, this.size).toString("utf8"),
    };
    if (this.tooLarge) response.bodyTooLarge = true;
    this.chunks = [];
    this.headers = null;
    const socket = this.socket;
    if (this.keepAlive && !this.tooLarge && socket.writable && socket.writableLength === 0) {
      this.idle = true;
      socket.unref();
      this.origin.idle.push(this);
    } else {
      socket.destroy();
    }
    exchange.resolve(response);
  }

  fail(err) {
    this.socket.destroy();
    const exchange = this.exchange;
    if (exchange === null) return;
    this.exchange = null;
    this.chunks = [];
    exchange.conn = null;
    // The server closed a reused connection before answering: it never saw the request.
    if (this.reused && !this.seen && !exchange.retried && STALE.has(err.code)) {
      exchange.retried = true;
      return void new Connection(exchange.origin).begin(exchange);
    }
    // Node reports a refused connection to every address of a name as an AggregateError with
    // an empty message.
    if (!err.message && Array.isArray(err.errors)) err.message = err.errors.map((e) => e.message).join("; ") || String(err.code);
    exchange.settle();
    exchange.reject(err);
  }

  onEnd() {
    if (this.exchange === null) return void this.socket.destroy();
    if (this.state === UNTIL_CLOSE) return this.finish();
    this.fail(hangUp());
  }

  onClose() {
    if (this.idle) {
      this.idle = false;
      const idle = this.origin.idle;
      const i = idle.indexOf(this);
      if (i !== -1) idle.splice(i, 1);
    }
    if (this.exchange !== null) this.fail(hangUp());
  }
}

/** The most recently used idle connection that is still open, or a new one. */
function connection(origin) {
  const idle = origin.idle;
  while (idle.length > 0) {
    const conn = idle.pop();
    conn.idle = false;
    if (conn.socket.writable) {
      conn.reused = true;
      conn.socket.ref();
      return conn;
    }
    conn.socket.destroy();
  }
  return new Connection(origin);
}

/** The request as bytes on the wire: request line, headers, body. */
function serialize(method, path, hostHeader, headers, body) {
  if (typeof method !== "string" || !TOKEN.test(method)) throw unsendable(`invalid HTTP method ${JSON.stringify(method)}`, "ERR_INVALID_HTTP_TOKEN");
  let head = headers.host === undefined ? `${method} ${path} HTTP/1.1\r\nhost: ${hostHeader}\r\n` : `${method} ${path} HTTP/1.1\r\n`;
  let latin1 = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    // The length is the body's own; the body is never chunked.
    if (name === "content-length" || name === "transfer-encoding") continue;
    if (!TOKEN.test(name)) throw unsendable(`invalid header name ${JSON.stringify(name)}`, "ERR_INVALID_HTTP_TOKEN");
    const v = `${value}`;
    if (NON_ASCII_VALUE.test(v)) {
      if (INVALID_VALUE.test(v)) throw unsendable(`invalid character in header ${name}`, "ERR_INVALID_CHAR");
      latin1 = true;
    }
    head += `${name}: ${v}\r\n`;
  }
  const text = body === undefined || body === null ? "" : `${body}`;
  head += `content-length: ${text.length === 0 ? 0 : Buffer.byteLength(text)}\r\n\r\n`;
  // One write: a string when the head is ASCII (the usual case), else latin1 head + UTF-8 body.
  return latin1 ? Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(text, "utf8")]) : head + text;
}

/**
 * The Node transport: `sendRequest({ method, url, headers, body, abortSignal })` resolves
 * `{ status, headers, bodyAsText, bodyTooLarge? }` (with `bodyTooLarge`, `bodyAsText` is "":
 * the body was not kept). Redirects are not followed, so a token never
 * reaches another origin. There is no timeout of its own: the caller's abortSignal is it. Of
 * the signal it uses only `aborted`, `reason` and one abort listener (an object with
 * `handleEvent`), so the pipeline hands it a try's own signal, not an AbortSignal.
 */
export const nodeSocketClient = {
  [TAKES_TRY_SIGNAL]: true,
  sendRequest(request) {
    return new Promise((resolve, reject) => {
      const { url, abortSignal } = request;
      if (abortSignal?.aborted) return reject(abortSignal.reason ?? new DOMException("This operation was aborted", "AbortError"));
      if (typeof url !== "string") throw unsendable("request.url must be a string", "ERR_INVALID_URL");
      // The origin ends at the first / ? or # after "//".
      const start = url.indexOf("//") + 2;
      let e = start;
      for (; e < url.length; e++) {
        const c = url.charCodeAt(e);
        if (c === 47 || c === 63 || c === 35) break;
      }
      const key = url.slice(0, e);
      let origin = origins.get(key);
      if (origin === undefined) {
        origin = originOf(key);
        origins.set(key, origin);
      }
      let path = url.slice(e);
      const hash = path.indexOf("#");
      if (hash !== -1) path = path.slice(0, hash);
      if (path.charCodeAt(0) !== 47) path = `/${path}`;
      if (UNESCAPED_PATH.test(path)) {
        throw unsendable(`request path contains unescaped characters: ${JSON.stringify(path.slice(0, 100))}`, "ERR_UNESCAPED_CHARACTERS");
      }
      const headers = request.headers ?? {};
      const connHeader = headers.connection;
      const exchange = new Exchange(
        origin,
        serialize(request.method, path, origin.hostHeader, headers, request.body),
        abortSignal ?? undefined,
        request.method === "HEAD",
        connHeader !== undefined && CLOSE.test(connHeader),
        resolve,
        reject,
      );
      if (exchange.signal !== undefined) exchange.signal.addEventListener("abort", exchange, { once: true });
      connection(origin).begin(exchange);
    });
  },
};
