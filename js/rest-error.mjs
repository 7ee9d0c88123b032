import { readNodeStream, readWebStream } from "./body.mjs";

/**
 * The errors of the drop-in entries: a `RestError` that `isRestError` of
 * `@azure/core-rest-pipeline` recognises (by its name), with `statusCode`, `code`, and the
 * `request` and `response` as non-enumerable properties, as the official packages throw them.
 * The request's `authorization` header is never kept.
 */
export class RestError extends Error {
  static REQUEST_SEND_ERROR = "REQUEST_SEND_ERROR";
  static PARSE_ERROR = "PARSE_ERROR";

  constructor(message, options = {}) {
    super(message);
    this.name = "RestError";
    this.code = options.code;
    this.statusCode = options.statusCode;
    Object.defineProperty(this, "request", { value: options.request, enumerable: false });
    Object.defineProperty(this, "response", { value: options.response, enumerable: false });
  }
}

/** Whether `e` is a RestError, ours or the official one. */
export function isRestError(e) {
  return e instanceof RestError || (e instanceof Error && e.name === "RestError");
}

/**
 * Headers as `@azure/core-rest-pipeline`'s `HttpHeaders`: case-insensitive `get`, `has`,
 * `set`, `delete`, `toJSON` and iteration.
 */
export class HttpHeaders {
  #map = new Map();

  constructor(raw) {
    if (!raw) return;
    if (typeof raw.get === "function" && typeof raw[Symbol.iterator] === "function") {
      for (const [name, value] of raw) this.set(name, value);
    } else {
      for (const [name, value] of Object.entries(raw)) if (value !== undefined) this.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
  }

  get(name) {
    return this.#map.get(name.toLowerCase())?.[1];
  }

  has(name) {
    return this.#map.has(name.toLowerCase());
  }

  set(name, value) {
    this.#map.set(name.toLowerCase(), [name, String(value)]);
  }

  delete(name) {
    this.#map.delete(name.toLowerCase());
  }

  toJSON(options = {}) {
    const out = {};
    for (const [key, [name, value]] of this.#map) out[options.preserveCase ? name : key] = value;
    return out;
  }

  *[Symbol.iterator]() {
    for (const [key, [, value]] of this.#map) yield [key, value];
  }
}

/** A request as the official packages expose it, without its token. */
export function publicRequest(request) {
  if (!request) return undefined;
  const headers = new HttpHeaders(request.headers);
  headers.delete("authorization");
  return {
    url: request.url,
    method: request.method,
    headers,
    body: request.body,
    timeout: 0,
    withCredentials: false,
    requestId: headers.get("x-ms-client-request-id") ?? "",
  };
}

/** Makes the drop-in entries' errors (see `keyVaultError` in js/pipeline.mjs for the kinds). */
export function restError(kind, message, { status, code, request, response }) {
  const req = publicRequest(request);
  return new RestError(message, {
    code: kind === "send" ? RestError.REQUEST_SEND_ERROR : kind === "parse" ? RestError.PARSE_ERROR : code,
    statusCode: status,
    request: req,
    response: response && {
      status: response.status,
      headers: new HttpHeaders(response.headers),
      bodyAsText: response.bodyAsText,
      request: req,
    },
  });
}

/**
 * Every status, for `streamResponseStatusCodes`: `Infinity` means all of them to current
 * clients; older ones look the status up.
 */
let streamAll;

/**
 * An `@azure/core-rest-pipeline` `HttpClient` given as `httpClient`, fed the requests it
 * expects (`headers` as `HttpHeaders`). It is asked to stream every response, so the body is
 * read here with the size limit enforced as it arrives (js/body.mjs); a client that answers with
 * `bodyAsText` anyway has that checked by the pipeline. `http://` is allowed to it only for a
 * vault URL the client was allowed to have (`allowInsecureConnection`).
 */
export function officialHttpClient(client) {
  return {
    async sendRequest(request) {
      streamAll ??= new Set([Number.POSITIVE_INFINITY, ...Array.from({ length: 500 }, (_, i) => 100 + i)]);
      const response = await client.sendRequest({
        ...request,
        headers: new HttpHeaders(request.headers),
        timeout: 0,
        withCredentials: false,
        requestId: "",
        allowInsecureConnection: request.url.startsWith("http:"),
        streamResponseStatusCodes: streamAll,
      });
      const { readableStreamBody: node, browserStreamBody: web } = response ?? {};
      if (!node && !web) return response;
      const { text, tooLarge } = node ? await readNodeStream(node) : await readWebStream(web);
      const read = { status: response.status, headers: response.headers, bodyAsText: text };
      if (tooLarge) read.bodyTooLarge = true;
      return read;
    },
  };
}
