// The three contenders behind one small interface: { set(name), get(name), list() }.
//   ours      keyvault-keys-wasm KeyClient: setKey / getKey / listPropertiesOfKeys
//   oursSecrets  keyvault-keys-wasm/secrets SecretClient (the drop-in): the official calls
//   official  @azure/keyvault-secrets SecretClient: setSecret / getSecret / listPropertiesOfSecrets
//             (the same REST calls: a KeyClient key is a Key Vault secret)
//   raw       a floor: keep-alive node:http sending the same PUT/GET with a bearer header and
//             JSON.parse of the answer; no retries, no challenge, no models
// Each package is imported only when asked for, so a process holds one client's code.
//
// The keys plane (makeKeysClient) behind { create(name), get(name), signer(key) }:
//   ours      keyvault-keys-wasm/keys KeyClient (the drop-in): createEcKey / getKey, and
//             getCryptographyClient(name, { keyVersion }).sign
//   official  @azure/keyvault-keys KeyClient: the same calls
//   raw       keep-alive node:http: POST /keys/{name}/create, GET /keys/{name},
//             POST /keys/{name}/{version}/sign
import http from "node:http";
import { API_VERSION, clientOptions, credential, KEY_SPEC, oursKeysSpecifier, oursSecretsSpecifier, oursSpecifier, VALUE } from "./env.mjs";

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

/** `send(method, path, headers, payload)`: one request on keep-alive sockets, its JSON answer. */
function rawSender(vaultUrl) {
  const base = new URL(vaultUrl);
  const agent = new http.Agent({ keepAlive: true });
  return (method, path, headers, payload) =>
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
}

const getHeaders = { authorization: "Bearer bench-token" };
const postHeaders = (body) => ({
  authorization: "Bearer bench-token",
  "content-type": "application/json",
  "content-length": Buffer.byteLength(body),
});

function rawClient(vaultUrl) {
  const send = rawSender(vaultUrl);
  const body = JSON.stringify({ value: VALUE });
  const putHeaders = postHeaders(body);
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

/**
 * A keys-plane client: { create(name) → { name, version }, get(name), signer(key) → (digest) → the
 * signature }. The CryptographyClient of ours and of the official SDK comes from
 * KeyClient.getCryptographyClient with the key's version, so both sign at
 * POST /keys/{name}/{version}/sign, as the raw floor does, over the KeyClient's pipeline.
 */
export async function makeKeysClient(kind, url) {
  if (kind === "ours" || kind === "official") {
    const { KeyClient } = await import(kind === "ours" ? oursKeysSpecifier() : "@azure/keyvault-keys");
    // The official KeyClient writes its user agent into the options object it is given.
    const client = new KeyClient(url, credential, { ...clientOptions });
    return {
      async create(name) {
        const key = await client.createEcKey(name, { curve: KEY_SPEC.curve });
        return { name: key.name, version: key.properties.version };
      },
      get: (name) => client.getKey(name),
      signer(key) {
        const crypto = client.getCryptographyClient(key.name, { keyVersion: key.version });
        return (digest) => crypto.sign(KEY_SPEC.alg, digest);
      },
    };
  }
  if (kind === "raw") {
    const send = rawSender(url);
    return {
      async create(name) {
        const body = JSON.stringify({ kty: KEY_SPEC.kty, crv: KEY_SPEC.curve });
        const key = await send("POST", `/keys/${name}/create?api-version=${API_VERSION}`, postHeaders(body), body);
        return { name, version: new URL(key.key.kid).pathname.split("/")[3] };
      },
      get: (name) => send("GET", `/keys/${name}?api-version=${API_VERSION}`, getHeaders),
      signer(key) {
        const path = `/keys/${key.name}/${key.version}/sign?api-version=${API_VERSION}`;
        return async (digest) => {
          const body = JSON.stringify({ alg: KEY_SPEC.alg, value: Buffer.from(digest.buffer, digest.byteOffset, digest.length).toString("base64url") });
          const answer = await send("POST", path, postHeaders(body), body);
          return Buffer.from(answer.value, "base64url");
        };
      },
    };
  }
  throw new Error(`unknown keys client ${kind}`);
}
