import http from "node:http";
import https from "node:https";

// In Node, global fetch costs several times the CPU of node:http per request; keep-alive agents
// of our own (not the process-wide globalAgent) reuse connections across calls.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** Bodies are read up to this size; the client refuses anything larger (a vault never sends it). */
const MAX_BODY_BYTES = 16 << 20;

/**
 * Request options per origin, parsed once: a client talks to one vault, and `new URL()` plus
 * node:http's own URL handling per request is measurable CPU.
 */
const origins = new Map();
function target(url) {
  const end = url.indexOf("/", url.indexOf("//") + 2);
  const origin = end === -1 ? url : url.slice(0, end);
  let t = origins.get(origin);
  if (!t) {
    const u = new URL(origin);
    t = {
      length: origin.length,
      transport: u.protocol === "https:" ? https : http,
      protocol: u.protocol,
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port || undefined,
      agent: agents[u.protocol],
    };
    origins.set(origin, t);
  }
  return t;
}

/**
 * The Node default transport: `sendRequest({ method, url, headers, body, abortSignal })`.
 * Redirects are not followed (node:http never does), so a token never reaches another origin.
 */
export const nodeHttpClient = {
  sendRequest(request) {
    return new Promise((resolve, reject) => {
      const t = target(request.url);
      // The client builds a fresh headers object for each request: it can be used as it is.
      const headers = request.headers;
      headers["content-length"] = request.body === undefined ? 0 : Buffer.byteLength(request.body);
      const options = {
        protocol: t.protocol,
        host: t.host,
        port: t.port,
        agent: t.agent,
        method: request.method,
        path: request.url.slice(t.length) || "/",
        headers,
      };
      if (request.abortSignal) options.signal = request.abortSignal;
      const req = t.transport.request(options, (res) => {
        const chunks = [];
        let size = 0;
        const done = () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            bodyAsText: chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"),
          });
        res.on("data", (chunk) => {
          size += chunk.length;
          chunks.push(chunk);
          if (size > MAX_BODY_BYTES) {
            // Enough to know it is too large; the rest is not read.
            res.destroy();
            done();
          }
        });
        res.on("error", reject);
        res.on("end", done);
      });
      req.on("error", reject);
      req.end(request.body);
    });
  },
};
