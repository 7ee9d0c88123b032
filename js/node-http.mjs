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
 * The Node default transport: `sendRequest({ method, url, headers, body, abortSignal })`.
 * Redirects are not followed (node:http never does), so a token never reaches another origin.
 */
export const nodeHttpClient = {
  sendRequest(request) {
    return new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const transport = url.protocol === "https:" ? https : http;
      const headers = { ...request.headers };
      headers["content-length"] = request.body === undefined ? 0 : Buffer.byteLength(request.body);
      const req = transport.request(
        url,
        { method: request.method, headers, agent: agents[url.protocol], signal: request.abortSignal },
        (res) => {
          const chunks = [];
          let size = 0;
          const done = () =>
            resolve({ status: res.statusCode, headers: res.headers, bodyAsText: Buffer.concat(chunks).toString("utf8") });
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
        },
      );
      req.on("error", reject);
      req.end(request.body);
    });
  },
};
