import { readWebStream } from "./body.mjs";
import { MAX_RESPONSE_BYTES } from "./limits.mjs";

/**
 * The transport of browsers and edge runtimes, over the global `fetch` (looked up per request,
 * so a page or test may replace it): `sendRequest({ method, url, headers, body, abortSignal })`.
 * A redirect is never followed: the Authorization header must not reach another origin. The
 * body is read as a stream and counted as it arrives: past MAX_RESPONSE_BYTES reading stops and
 * the stream is cancelled.
 */
/** The code of the error a redirect answer becomes (a response that cannot be used: not retried). */
export const REDIRECT_REFUSED = "ERR_REDIRECT_REFUSED";

export const fetchHttpClient = {
  async sendRequest(request) {
    const { "user-agent": userAgent, ...headers } = request.headers;
    // Browsers do not let a page set User-Agent; Azure services read this one instead.
    if (userAgent !== undefined) headers["x-ms-useragent"] = userAgent;
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      signal: request.abortSignal,
      redirect: "manual",
    });
    if (response.type === "opaqueredirect") {
      // Final: the same request would be redirected again.
      throw Object.assign(new Error("the vault answered with a redirect, which is not followed"), { code: REDIRECT_REFUSED });
    }
    const tooLarge = { status: response.status, headers: response.headers, bodyAsText: "", bodyTooLarge: true };
    const declared = Number(response.headers.get("content-length"));
    if (declared > MAX_RESPONSE_BYTES) {
      // Refused unread.
      await response.body?.cancel().catch(() => {});
      return tooLarge;
    }
    if (!response.body) return { status: response.status, headers: response.headers, bodyAsText: "" };
    const { text, tooLarge: over } = await readWebStream(response.body);
    return over ? tooLarge : { status: response.status, headers: response.headers, bodyAsText: text };
  },
};
