// The three contenders behind one small interface: { set(name), get(name), list() }.
//   ours      keyvault-keys-wasm KeyClient: setKey / getKey / listPropertiesOfKeys
//   oursSecrets  keyvault-keys-wasm/secrets SecretClient (the drop-in): the official calls
//   official  @azure/keyvault-secrets SecretClient: setSecret / getSecret / listPropertiesOfSecrets
//             (the same REST calls: a KeyClient key is a Key Vault secret)
//   raw       a floor: keep-alive node:http sending the same PUT/GET with a bearer header and
//             JSON.parse of the answer; no retries, no challenge, no models
// Each package is imported only when asked for, so a process holds one client's code.
import http from "node:http";
import { API_VERSION, clientOptions, credential, oursSecretsSpecifier, oursSpecifier, VALUE } from "./env.mjs";

export const CLIENTS = ["ours", "official", "raw", "oursSecrets"];

export async function makeClient(kind, url) {
  if (kind === "ours") {
    const { KeyClient } = await import(oursSpecifier());
    const client = new KeyClient(url, credential, clientOptions);
    return {
      set: (name) => client.setKey(name, VALUE),
      get: (name) => client.getKey(name),
      list: () => client.listPropertiesOfKeys(),
    };
  }
  if (kind === "oursSecrets") {
    const { SecretClient } = await import(oursSecretsSpecifier());
    const client = new SecretClient(url, credential, clientOptions);
    return {
      set: (name) => client.setSecret(name, VALUE),
      get: (name) => client.getSecret(name),
      list: () => client.listPropertiesOfSecrets(),
    };
  }
  if (kind === "official") {
    const { SecretClient } = await import("@azure/keyvault-secrets");
    const client = new SecretClient(url, credential, clientOptions);
    return {
      set: (name) => client.setSecret(name, VALUE),
      get: (name) => client.getSecret(name),
      list: () => client.listPropertiesOfSecrets(),
    };
  }
  if (kind === "raw") return rawClient(url);
  throw new Error(`unknown client ${kind}`);
}

function rawClient(vaultUrl) {
  const base = new URL(vaultUrl);
  const agent = new http.Agent({ keepAlive: true });
  const body = JSON.stringify({ value: VALUE });
  const putHeaders = {
    authorization: "Bearer bench-token",
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  };
  const getHeaders = { authorization: "Bearer bench-token" };
  const send = (method, path, headers, payload) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: base.hostname, port: base.port, method, path, headers, agent },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode}`));
            else resolve(parsed);
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return {
    set: (name) => send("PUT", `/secrets/${name}?api-version=${API_VERSION}`, putHeaders, body),
    get: (name) => send("GET", `/secrets/${name}?api-version=${API_VERSION}`, getHeaders),
    async *list() {
      let path = `/secrets?api-version=${API_VERSION}`;
      while (path) {
        const page = await send("GET", path, getHeaders);
        yield* page.value;
        path = page.nextLink ? new URL(page.nextLink).pathname + new URL(page.nextLink).search : null;
      }
    },
  };
}
