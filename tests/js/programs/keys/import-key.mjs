// Importing keys made elsewhere (here with node:crypto) and using them in the vault; the test
// swaps only the import line.
import { constants, createHash, generateKeyPairSync, publicEncrypt, verify } from "node:crypto";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const client = new KeyClient(url, credential, options);
const prefix = `${process.env.PREFIX}-import`;

/** A node:crypto private key as the JsonWebKey the client takes: base64url members as bytes. */
function toJsonWebKey(privateKey, keyOps) {
  const jwk = privateKey.export({ format: "jwk" });
  const key = { kty: jwk.kty, keyOps };
  for (const [member, value] of Object.entries(jwk)) {
    if (member === "kty") continue;
    key[member] = member === "crv" ? value : new Uint8Array(Buffer.from(value, "base64url"));
  }
  return key;
}

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaJwk = toJsonWebKey(rsa.privateKey, ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]);
const imported = await client.importKey(`${prefix}-rsa`, rsaJwk, { tags: { source: "node" }, enabled: true });
console.log("imported RSA:", imported.name, imported.keyType, imported.key.n.length, Buffer.from(imported.key.e).toString("hex"), (imported.keyOperations ?? []).join(","));
console.log("private part kept in the vault:", imported.key.d === undefined, imported.key.p === undefined, JSON.stringify(imported.properties.tags));
console.log("same modulus:", Buffer.compare(Buffer.from(imported.key.n), Buffer.from(rsaJwk.n)) === 0);

const rsaCrypto = new CryptographyClient(imported.id, credential, options);
const ciphertext = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, Buffer.from("encrypted by node"));
console.log("decrypted in the vault:", Buffer.from((await rsaCrypto.decrypt("RSA-OAEP", ciphertext)).result).toString());
const ciphertext256 = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from("OAEP with SHA-256"));
console.log("decrypted RSA-OAEP-256:", Buffer.from((await rsaCrypto.decrypt("RSA-OAEP-256", ciphertext256)).result).toString());
const data = Buffer.from("signed in the vault");
const rsSigned = await rsaCrypto.signData("RS256", data);
console.log("node verifies RS256:", verify("sha256", data, rsa.publicKey, Buffer.from(rsSigned.result)));
const psSigned = await rsaCrypto.sign("PS256", createHash("sha256").update(data).digest());
console.log("node verifies PS256:", verify("sha256", data, { key: rsa.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(psSigned.result)));

const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ecJwk = toJsonWebKey(ec.privateKey, ["sign", "verify"]);
const importedEc = await client.importKey(`${prefix}-ec`, ecJwk, { hardwareProtected: true });
console.log("imported EC:", importedEc.keyType, importedEc.key.crv, importedEc.key.x.length, importedEc.key.d === undefined, (importedEc.keyOperations ?? []).join(","));
const ecCrypto = client.getCryptographyClient(importedEc.name);
const esSigned = await ecCrypto.signData("ES256", data);
console.log("node verifies ES256:", verify("sha256", data, { key: ec.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(esSigned.result)));
const nodeSignature = (await import("node:crypto")).sign("sha256", data, { key: ec.privateKey, dsaEncoding: "ieee-p1363" });
console.log("vault verifies node's ES256:", (await ecCrypto.verifyData("ES256", data, nodeSignature)).result);

const secp = generateKeyPairSync("ec", { namedCurve: "P-384" });
const secpImported = await client.importKey(`${prefix}-ec384`, toJsonWebKey(secp.privateKey));
console.log("imported P-384:", secpImported.keyType, secpImported.key.crv, (secpImported.keyOperations ?? []).join(","));

// A new version of an existing name.
const rsa2 = generateKeyPairSync("rsa", { modulusLength: 3072 });
const second = await client.importKey(`${prefix}-rsa`, toJsonWebKey(rsa2.privateKey), { expiresOn: new Date(Date.UTC(2034, 0, 1)) });
console.log("second version:", second.key.n.length, second.properties.version !== imported.properties.version, second.properties.expiresOn?.toISOString());

for (const name of [imported.name, importedEc.name, secpImported.name]) {
  await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
  await client.purgeDeletedKey(name);
}
console.log("done");
