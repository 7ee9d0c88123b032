// What the service refuses, as a program written for @azure/keyvault-keys sees it: RestErrors
// with the status and the service's error code. The test swaps only the keyvault-keys import.
import { generateKeyPairSync } from "node:crypto";
import { isRestError } from "@azure/core-rest-pipeline";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const client = new KeyClient(url, credential, options);
const prefix = `${process.env.PREFIX}-errors`;

async function attempt(what, call) {
  try {
    await call();
    console.log(`${what}: succeeded`);
  } catch (e) {
    // Messages may name a key version, which differs from run to run.
    console.log(`${what}:`, e.name, isRestError(e), e.statusCode, e.code, JSON.stringify(e.message.replace(/[0-9a-f]{32}/g, "<version>")));
  }
}

const rsa = await client.createRsaKey(`${prefix}-rsa`);
const ec = await client.createEcKey(`${prefix}-ec`);

await attempt("get missing", () => client.getKey(`${prefix}-missing`));
await attempt("get missing version", () => client.getKey(rsa.name, { version: "0123456789abcdef0123456789abcdef" }));
await attempt("get deleted missing", () => client.getDeletedKey(`${prefix}-missing`));
await attempt("purge live", () => client.purgeDeletedKey(rsa.name));
await attempt("backup missing", () => client.backupKey(`${prefix}-missing`));
await attempt("rotate missing", () => client.rotateKey(`${prefix}-missing`));
await attempt("policy of missing", () => client.getKeyRotationPolicy(`${prefix}-missing`));
await attempt("update missing", () => client.updateKeyProperties(`${prefix}-missing`, { enabled: false }));
await attempt("delete missing", () => client.beginDeleteKey(`${prefix}-missing`));
await attempt("recover missing", () => client.beginRecoverDeletedKey(`${prefix}-missing`));
await attempt("create oct", () => client.createOctKey(`${prefix}-oct`));
await attempt("create oct-HSM", () => client.createOctKey(`${prefix}-oct`, { hsm: true, keySize: 256 }));
await attempt("create oct with createKey", () => client.createKey(`${prefix}-oct`, "oct", { keySize: 256 }));
await attempt("import oct", () => client.importKey(`${prefix}-oct`, { kty: "oct", k: new Uint8Array(32).fill(7), keyOps: ["encrypt", "decrypt"] }));
await attempt("restore garbage", () => client.restoreKeyBackup(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])));
await attempt("release", () => client.releaseKey(rsa.name, "not-an-attestation-token"));
await attempt("policy too short", () => client.updateKeyRotationPolicy(rsa.name, { expiresIn: "P1D", lifetimeActions: [] }));
await attempt("rotate before expiry without expiresIn", () =>
  client.updateKeyRotationPolicy(rsa.name, { lifetimeActions: [{ action: "Rotate", timeBeforeExpiry: "P30D" }] }),
);

const remote = new CryptographyClient(rsa.id, credential, options);
await attempt("sign with an EC algorithm", () => remote.sign("ES256", new Uint8Array(32)));
await attempt("sign a short digest", () => remote.sign("RS256", new Uint8Array(5)));
await attempt("decrypt garbage", () => remote.decrypt("RSA-OAEP", new Uint8Array(256).fill(1)));
await attempt("unwrap garbage", () => remote.unwrapKey("RSA-OAEP-256", new Uint8Array(256).fill(2)));
const ecRemote = client.getCryptographyClient(ec.name);
await attempt("encrypt with an EC key", () => ecRemote.encrypt("RSA-OAEP", Buffer.from("no")));
await attempt("sign ES384 with a P-256 key", () => ecRemote.sign("ES384", new Uint8Array(48)));

await client.updateKeyProperties(rsa.name, rsa.properties.version, { enabled: false });
const disabled = new CryptographyClient(rsa.id, credential, options);
await attempt("sign with a disabled key", () => disabled.sign("RS256", new Uint8Array(32)));
await attempt("decrypt with a disabled key", () => disabled.decrypt("RSA-OAEP", new Uint8Array(256)));

const missing = new CryptographyClient(`${url}/keys/${prefix}-missing`, credential, options);
await attempt("crypto with a missing key", () => missing.sign("RS256", new Uint8Array(32)));

await (await client.beginDeleteKey(ec.name, { intervalInMs: 100 })).pollUntilDone();
await attempt("create over a deleted key", () => client.createEcKey(ec.name));
const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
const bytes = (member) => new Uint8Array(Buffer.from(jwk[member], "base64url"));
await attempt("import over a deleted key", () => client.importKey(ec.name, { kty: "EC", crv: "P-256", x: bytes("x"), y: bytes("y"), d: bytes("d") }));
await attempt("import a public key", () => client.importKey(`${prefix}-public`, { kty: "EC", crv: "P-256", x: bytes("x"), y: bytes("y") }));
await attempt("get a deleted key", () => client.getKey(ec.name));

for (const name of [rsa.name]) await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
for (const name of [rsa.name, ec.name]) await client.purgeDeletedKey(name);
await attempt("purge twice", () => client.purgeDeletedKey(rsa.name));
