/**
 * Runs the wasm core's calls: the core decides (challenge, token cache, retries, what to send)
 * and answers each report with the next action as one string (see src/wasm/mod.rs); this file
 * does what the core cannot: send with the transport, ask the credential, wait, and abort.
 * The token's text stays here, never in the wasm memory.
 */
import { delay, TAKES_TRY_SIGNAL, TryTimer } from "./abort.mjs";
import { AbortError, AuthenticationError, KeyVaultError } from "./errors.mjs";
import { DEFAULT_TRY_TIMEOUT_MS, MAX_HEADER_CHARS, MAX_RESPONSE_BYTES } from "./limits.mjs";
import { shorten } from "./args.mjs";
import { claimsText } from "./base64.mjs";

const METHODS = { G: "GET", U: "PUT", A: "PATCH", P: "POST", D: "DELETE" };
const decoder = new TextDecoder();

/**
 * The wasm core: its `Core` and its memory. The core answers with numbers that say where its
 * answer lies in the memory (`locate` in src/wasm/mod.rs); these read it.
 */
export class Wasm {
  constructor(core, memory) {
    this.core = core;
    this.memory = memory;
  }

  /** The bytes at `at`, a view valid until the core's next call. */
  bytes(at) {
    const length = at % 2097152;
    return new Uint8Array(this.memory.buffer, (at - length) / 2097152, length);
  }

  text(at) {
    return decoder.decode(this.bytes(at));
  }
}

/** The first characters of the actions (src/wasm/mod.rs): send, token, wait, done. */
const S = 83, T = 84, W = 87, D = 68;

/** A thrown value's message, shortened. */
function messageOf(e) {
  return shorten(textOf(e));
}

function textOf(e) {
  return e !== null && typeof e === "object" && typeof e.message === "string" ? e.message : typeof e === "string" ? e : "unknown error";
}

/**
 * A credential's message, as far as its first sentence ends (credentials put the reason
 * first, and never a token), never cut inside a word; at most 600 characters.
 */
function sentenceOf(e) {
  const text = textOf(e).replace(/\s+/g, " ").trim();
  const end = /[.!?](?=\s|$)/.exec(text);
  const sentence = end ? text.slice(0, end.index + 1) : text;
  if (sentence.length <= 600) return sentence;
  const cut = sentence.lastIndexOf(" ", 600);
  return `${sentence.slice(0, cut > 0 ? cut : 600)}...`;
}

/** A response header, from a plain object of lower-case names or a `Headers`-like `get`. */
function headerOf(headers, name) {
  if (!headers) return undefined;
  const v = typeof headers.get === "function" ? headers.get(name) : headers[name];
  return typeof v === "string" ? v : undefined;
}

/** The headers the core reads, in the order `core.answer` takes them. */
const CORE_HEADERS = ["www-authenticate", "retry-after", "retry-after-ms", "x-ms-retry-after-ms"];

/**
 * Why a request got no response, as the core takes it (`failed` in src/wasm/mod.rs): 0 the
 * connection failed, or the error is not one this knows (another try may succeed); 1 the
 * request cannot be sent as built; 2 the response cannot be read; 3 the TLS handshake failed;
 * 4 the host name was not resolved (the core retries that once at most).
 * Read from the error's `code` (Node, undici, `@azure/core-rest-pipeline`'s RestError) or its
 * cause's (fetch's "fetch failed" TypeError).
 */
const CONNECTION = 0, REQUEST = 1, RESPONSE = 2, TLS = 3, NAME = 4;
/** getaddrinfo's failures: no such name, or no answer from the resolver. */
const NAME_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);
const REQUEST_CODES = new Set([
  "ERR_UNESCAPED_CHARACTERS",
  "ERR_INVALID_URL",
  "ERR_INVALID_HTTP_TOKEN",
  "ERR_INVALID_CHAR",
  "ERR_HTTP_INVALID_HEADER_VALUE",
  "ERR_INVALID_PROTOCOL",
  "UND_ERR_INVALID_ARG",
]);
const RESPONSE_CODES = new Set([
  // A redirect the browser transport refused to follow (js/fetch.mjs).
  "ERR_REDIRECT_REFUSED",
  "ERR_MALFORMED_RESPONSE",
  "UND_ERR_HEADERS_OVERFLOW",
  "UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE",
  "ERR_RESPONSE_TOO_LARGE",
]);
/** OpenSSL's verification errors and Node's TLS errors: a certificate refused, no protocol agreed. */
const TLS_CODE =
  /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(?:GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE|DECRYPT_CERT_SIGNATURE|DECODE_ISSUER_PUBLIC_KEY|GET_CRL)|INVALID_CA$|INVALID_PURPOSE$|HOSTNAME_MISMATCH$)/;

function kindOfCode(code) {
  if (typeof code !== "string") return undefined;
  if (REQUEST_CODES.has(code)) return REQUEST;
  if (NAME_CODES.has(code)) return NAME;
  // llhttp's parse errors (node:http): HPE_HEADER_OVERFLOW, HPE_INVALID_CONSTANT, ...
  if (RESPONSE_CODES.has(code) || code.startsWith("HPE_")) return RESPONSE;
  if (TLS_CODE.test(code)) return TLS;
  return undefined;
}

function failureKind(e) {
  return kindOfCode(e?.code) ?? kindOfCode(e?.cause?.code) ?? CONNECTION;
}

/** Why a failure of each kind is not tried again, for its message. */
const FINAL = {
  [REQUEST]: "the request cannot be sent as built",
  [RESPONSE]: "the response cannot be read",
  [TLS]: "the TLS connection cannot be made",
};

/**
 * How an entry's errors are made: `(kind, message, details)`, kind "service" (the service
 * answered an error), "parse" (a response the client cannot read) or "send" (no response);
 * details `{ status, code, request, response, body }` (what is known). The root entry makes
 * KeyVaultErrors; the drop-in entries make RestErrors.
 */
export function keyVaultError(kind, message, { status, code, response }) {
  if (kind === "send") return new KeyVaultError(message, { code: "REQUEST_SEND_ERROR" });
  return new KeyVaultError(message, {
    statusCode: status,
    code: kind === "parse" ? "PARSE_ERROR" : code,
    requestId: headerOf(response?.headers, "x-ms-request-id"),
  });
}

/** The service's `{"error":{"code","message"}}`: its message, code and body, or a message naming the status. */
function serviceAnswer(response) {
  const { status } = response;
  let body;
  try {
    body = JSON.parse(response.bodyAsText);
  } catch {}
  const error = body?.error;
  const code = typeof error?.code === "string" ? error.code : undefined;
  let message;
  if (error !== null && typeof error === "object" && typeof error.message === "string" && error.message !== "") {
    message = error.message;
  } else if (error !== null && typeof error === "object") {
    message = `the service answered ${status} ${code ?? ""}`.trimEnd();
  } else {
    message = `the service answered ${status} without a Key Vault error body`;
  }
  return { message, code, body: error !== null && typeof error === "object" ? body : undefined };
}

/** The failure of a try that outlasted its timeout. */
const timeoutError = (ms) =>
  Object.assign(new Error(`no complete response within ${ms} ms (retryOptions.tryTimeoutInMs)`), { code: "ETIMEDOUT", name: "TimeoutError" });

const authError = (message, cause) => new AuthenticationError(message, cause === undefined ? {} : { cause });

/** A credential's answer: a token string, or `{ token, expiresOnTimestamp }`. */
function accessToken(v) {
  const token = typeof v === "string" ? v : v !== null && typeof v === "object" && typeof v.token === "string" ? v.token : undefined;
  if (token === undefined) throw authError("the credential returned neither a token string nor { token, expiresOnTimestamp }");
  if (token === "") throw authError("the credential returned an empty token");
  const expires = typeof v === "object" && typeof v.expiresOnTimestamp === "number" ? v.expiresOnTimestamp : NaN;
  return { token, expires };
}

/** `{ getToken(scopes, options) }` or a plain function with that signature, as a function. */
export function credentialFunction(credential) {
  if (typeof credential === "function") return credential;
  if (credential !== null && typeof credential === "object" && typeof credential.getToken === "function") {
    return (scopes, options) => credential.getToken(scopes, options);
  }
  throw new TypeError("credential must be a TokenCredential ({ getToken(scopes, options) }) or a function returning a token");
}

export class Pipeline {
  #wasm;
  #core;
  #credential;
  #http;
  /** The tries' timeouts, on one timer. */
  #tries;
  /** Whether each try makes a real AbortSignal: for a transport not marked TAKES_TRY_SIGNAL. */
  #realSignals;
  #origin;
  #userAgent;
  /** The cached token's text; the core knows for which challenge and until when. */
  #token;
  /** The credential call in flight, shared by every call that needs the same token. */
  #pending;
  /** Call ids: small integers, reused once a call is over. */
  #freeIds = [];
  #nextId = 0;
  #errors;
  /** The request of each final response, for the errors made after it is read. */
  #requests = new WeakMap();

  /**
   * @param wasm a `Wasm` over a configured `Core`
   * @param credential a function (scopes, options) => token or { token, expiresOnTimestamp }
   * @param http `{ sendRequest(request) }`
   * @param errors how this entry's errors are made (see `keyVaultError`)
   */
  constructor(wasm, credential, http, tryTimeoutInMs, errors = keyVaultError) {
    this.#errors = errors;
    this.#wasm = wasm;
    this.#core = wasm.core;
    this.#credential = credential;
    this.#http = http;
    this.#tries = new TryTimer(tryTimeoutInMs ?? DEFAULT_TRY_TIMEOUT_MS, timeoutError);
    this.#realSignals = http[TAKES_TRY_SIGNAL] !== true;
    const identity = wasm.text(this.#core.identity());
    const nl = identity.indexOf("\n");
    this.#origin = identity.slice(0, nl);
    this.#userAgent = identity.slice(nl + 1);
  }

  get origin() {
    return this.#origin;
  }

  /**
   * Runs one operation to its final response. `start(core, id, now)` begins it in the core.
   * Rejects with the call's error; with AbortError as soon as `signal` fires.
   */
  async run(start, signal) {
    const core = this.#core;
    const wasm = this.#wasm;
    const id = this.#freeIds.pop() ?? this.#nextId++;
    let over = false;
    let own, request, response, failure;
    try {
      let action = wasm.text(start(core, id, Date.now()));
      for (;;) {
        const kind = action.charCodeAt(0);
        if (kind === S) {
          const auth = action.charCodeAt(1) - 48;
          if (auth === 3) this.#refresh();
          const nl = action.indexOf("\n", 3);
          const body = nl === -1 ? undefined : action.slice(nl + 1);
          const headers = { accept: "application/json", "user-agent": this.#userAgent };
          if (body !== undefined) headers["content-type"] = "application/json";
          if (auth !== 0) headers.authorization = `Bearer ${auth === 2 ? own : this.#token}`;
          // Aborted when the call's signal fires or the try timeout passes.
          const attempt = this.#tries.start(signal, this.#realSignals);
          request = {
            method: METHODS[action[2]],
            url: this.#origin + (nl === -1 ? action.slice(3) : action.slice(3, nl)),
            headers,
            body,
            abortSignal: attempt.signal,
          };
          try {
            response = await this.#http.sendRequest(request);
            if (!(response?.status >= 100 && response.status <= 599)) throw new Error("the transport gave no HTTP status");
          } catch (e) {
            if (signal?.aborted) throw new AbortError();
            response = undefined;
            // A try the timer ended was aborted with the timeout's error (TryTimer).
            failure = attempt.timedOut ? attempt.reason : e;
            action = wasm.text(core.failed(id, Date.now(), failureKind(failure)));
            continue;
          } finally {
            attempt.done();
          }
          // Before anything of the response reaches the wasm memory: the body's size, then the
          // headers the core reads.
          if (response.bodyTooLarge || (response.bodyAsText?.length ?? 0) > MAX_RESPONSE_BYTES) {
            const message = `${request.method} ${request.url.split("?")[0]}: the response is larger than ${MAX_RESPONSE_BYTES} bytes`;
            throw this.#errors("parse", message, { status: response.status, request, response });
          }
          const read = CORE_HEADERS.map((name) => headerOf(response.headers, name));
          const long = read.findIndex((v) => v !== undefined && v.length > MAX_HEADER_CHARS);
          if (long !== -1) {
            const what = `the response's ${CORE_HEADERS[long]} header is longer than ${MAX_HEADER_CHARS} characters`;
            response = undefined;
            failure = Object.assign(new Error(what), { code: "ERR_MALFORMED_RESPONSE" });
            action = wasm.text(core.failed(id, Date.now(), RESPONSE));
            continue;
          }
          action = wasm.text(core.answer(id, Date.now(), response.status, ...read));
        } else if (kind === T) {
          const a = action.indexOf("\n");
          const b = action.indexOf("\n", a + 1);
          const { token, expires } = await this.#getToken(action.slice(1, a), action.slice(a + 1, b), action.slice(b + 1));
          action = wasm.text(core.token(id, expires));
          if (action.charCodeAt(1) === 49) this.#token = token;
          else own = token;
        } else if (kind === W) {
          await delay(Number(action.slice(1)), signal);
          action = wasm.text(core.slept(id, Date.now()));
        } else {
          over = true;
          if (kind === D) {
            this.#requests.set(response, request);
            return response;
          }
          throw this.#failure(action, request, response, failure);
        }
      }
    } finally {
      if (!over) core.end(id);
      this.#freeIds.push(id);
    }
  }

  /** The error for a final response the client cannot read (`message` says why). */
  unreadable(response, message) {
    return this.#errors("parse", message, { status: response.status, request: this.#requests.get(response), response });
  }

  /** The error of an `F` action. */
  #failure(action, request, response, failure) {
    const message = action.slice(2);
    switch (action[1]) {
      case "S": {
        const { message, code, body } = serviceAnswer(response);
        return this.#errors("service", message, { status: response.status, code, request, response, body });
      }
      case "N": {
        // fetch's TypeError says only "fetch failed"; the reason is in its cause.
        const cause = failure?.cause !== null && typeof failure?.cause === "object" ? ` (${messageOf(failure.cause)})` : "";
        // The core says whether it was final at once (P) or the retries ran out (T).
        const kind = failureKind(failure);
        const why = action[2] === "P" ? FINAL[kind] : undefined;
        const final = why === undefined ? "" : `; not retried: ${why}`;
        const url = request.url.split("?")[0];
        const text =
          kind === NAME
            ? `${request.method} ${url} failed: the vault's host name ${new URL(url).hostname} could not be resolved (${messageOf(failure)}${cause})`
            : `${request.method} ${url} failed: ${messageOf(failure)}${cause}${final}`;
        return this.#errors("send", text, { request });
      }
      case "A":
        return authError(message);
      case "R":
        return new RangeError(message);
      default:
        return new Error("keyvault-keys-wasm: a call was driven out of order");
    }
  }

  /** A token for the challenge, from the credential; one call in flight per challenge. */
  #getToken(scope, tenantId, claims) {
    const key = `${scope}\n${tenantId}\n${claims}`;
    if (this.#pending?.key === key) return this.#pending.promise;
    const promise = this.#askCredential(scope, tenantId, claims);
    const pending = { key, promise };
    this.#pending = pending;
    const clear = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  #askCredential(scope, tenantId, claims) {
    const options = { enableCae: true };
    if (tenantId) options.tenantId = tenantId;
    // The challenge carries them as base64; credentials take the JSON itself.
    if (claims) options.claims = claimsText(claims);
    let answer;
    try {
      answer = this.#credential([scope], options);
    } catch (e) {
      return Promise.reject(authError(`the credential threw: ${sentenceOf(e)}`, e));
    }
    return Promise.resolve(answer).then(accessToken, (e) => {
      throw authError(`the credential failed to provide a token: ${sentenceOf(e)}`, e);
    });
  }

  /** A background refresh of the cached token, which calls keep using meanwhile. */
  #refresh() {
    const challenge = this.#wasm.text(this.#core.refreshChallenge());
    const nl = challenge.indexOf("\n");
    this.#getToken(challenge.slice(0, nl), challenge.slice(nl + 1), "").then(
      ({ token, expires }) => {
        if (this.#core.refreshed(expires)) this.#token = token;
      },
      // Not reported: the token in hand is still good, and the call that finally needs a new
      // one asks again and reports what goes wrong.
      () => this.#core.refreshed(NaN),
    );
  }
}
