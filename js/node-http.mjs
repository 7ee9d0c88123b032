import http from "node:http";
import https from "node:https";

// In Node, global fetch costs several times the CPU of node:http per request; keep-alive agents
// of our own (not the process-wide globalAgent) reuse connections across calls.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** The Node default transport: `sendRequest({ method, url, headers, body })`. */
export const nodeHttpClient = {
  sendRequest(request) {
    return new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const transport = url.protocol === "https:" ? https : http;
      const headers = { ...request.headers };
      headers["content-length"] = request.body === undefined ? 0 : Buffer.byteLength(request.body);
      const req = transport.request(
        url,
        { method: request.method, headers, agent: agents[url.protocol] },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({
              status: res.statusCode,
              headers: res.headers,
              bodyAsText: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(request.body);
    });
  },
};
