// A lever, measured: a leaner node:http transport handed to our client through its `httpClient`
// seam (the contract of js/index.d.ts). Differences from the default in js/node-http.mjs:
// the vault origin is parsed once, not a `new URL()` per request; http.request gets plain
// { host, port, path } options (node:http then skips urlToHttpOptions); the request's headers
// object is used as it is (it is built for this one request); a body is written with its
// length computed once. Plain http only (the emulator); what it saves is what js/node-http.mjs
// could save.
import http from "node:http";

export function leanHttpClient(vaultUrl) {
  const origin = new URL(vaultUrl);
  const host = origin.hostname;
  const port = origin.port || 80;
  const prefix = origin.origin.length;
  const agent = new http.Agent({ keepAlive: true });
  return {
    sendRequest({ method, url, headers, body, abortSignal }) {
      return new Promise((resolve, reject) => {
        if (!url.startsWith(origin.origin)) throw new Error(`lean transport: ${url} is not on ${origin.origin}`);
        headers["content-length"] = body === undefined ? 0 : Buffer.byteLength(body);
        const options = { host, port, method, path: url.slice(prefix), headers, agent };
        if (abortSignal) options.signal = abortSignal;
        const req = http.request(options, (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({
              status: res.statusCode,
              headers: res.headers,
              bodyAsText: chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"),
            }),
          );
        });
        req.on("error", reject);
        req.end(body);
      });
    },
  };
}
