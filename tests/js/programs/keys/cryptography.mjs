// In the style of the official "cryptography" sample: sign and verify, encrypt and decrypt, wrap
// and unwrap, with a CryptographyClient made from a key id, from a KeyVaultKey, by the
// KeyClient, and from a local JsonWebKey. The test swaps only the import line.
import { createHash } from "node:crypto";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const client = new KeyClient(url, credential, options);
const prefix = `${process.env.PREFIX}-crypto`;
const text = (bytes) => Buffer.from(bytes).toString();
const named = (message) => message.replace(/[0-9a-f]{32}/g, "<version>");

const rsaKey = await client.createKey(`${prefix}-rsa`, "RSA");
const ecKey = await client.createEcKey(`${prefix}-ec`, { curve: "P-256" });
const ec384Key = await client.createEcKey(`${prefix}-ec384`, { curve: "P-384" });

// From the key's id: the client fetches the key when it first needs it.
const cryptoClient = new CryptographyClient(rsaKey.id, credential, options);
console.log("client:", cryptoClient.vaultUrl === url, cryptoClient.keyID === rsaKey.id);

const digest = createHash("sha256").update("MySignature").digest();
const signature = await cryptoClient.sign("RS256", digest);
console.log("sign result:", signature.algorithm, signature.result.length, signature.keyID === rsaKey.id);
const verifyResult = await cryptoClient.verify("RS256", digest, signature.result);
console.log("verify result:", verifyResult.result, verifyResult.keyID === rsaKey.id);
const otherDigest = createHash("sha256").update("Not my signature").digest();
console.log("verify other digest:", (await cryptoClient.verify("RS256", otherDigest, signature.result)).result);

for (const algorithm of ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"]) {
  const encrypted = await cryptoClient.encrypt({ algorithm, plaintext: Buffer.from("My Message") });
  const decrypted = await cryptoClient.decrypt({ algorithm, ciphertext: encrypted.result });
  console.log(`${algorithm} parameters:`, encrypted.algorithm, encrypted.result.length, encrypted.keyID === rsaKey.id, decrypted.algorithm, text(decrypted.result), decrypted.keyID === rsaKey.id);
  const encrypted2 = await cryptoClient.encrypt(algorithm, Buffer.from("Another message"));
  const decrypted2 = await cryptoClient.decrypt(algorithm, encrypted2.result);
  console.log(`${algorithm} positional:`, encrypted2.algorithm, encrypted2.result.length, text(decrypted2.result));
}

for (const algorithm of ["RSA-OAEP", "RSA-OAEP-256"]) {
  const wrapped = await cryptoClient.wrapKey(algorithm, Buffer.from("My content key"));
  console.log(`wrap ${algorithm}:`, wrapped.algorithm, wrapped.result.length, wrapped.keyID === rsaKey.id);
  const unwrapped = await cryptoClient.unwrapKey(algorithm, wrapped.result);
  console.log(`unwrap ${algorithm}:`, unwrapped.algorithm, text(unwrapped.result), unwrapped.keyID === rsaKey.id);
}

const data = Buffer.from("My block of data");
for (const algorithm of ["RS256", "RS384", "RS512"]) {
  const signed = await cryptoClient.signData(algorithm, data);
  const verified = await cryptoClient.verifyData(algorithm, data, signed.result);
  const tampered = await cryptoClient.verifyData(algorithm, Buffer.from("My block of datA"), signed.result);
  console.log(`signData ${algorithm}:`, signed.algorithm, signed.result.length, verified.result, tampered.result);
}
// A PSS signature over data, checked by the service through its digest.
const pss = await cryptoClient.signData("PS256", data);
const pssDigest = createHash("sha256").update(data).digest();
console.log("signData PS256:", pss.algorithm, pss.result.length, (await cryptoClient.verify("PS256", pssDigest, pss.result)).result);

// From the KeyClient: the same vault and credential.
const ecClient = client.getCryptographyClient(ecKey.name);
console.log("ec client:", ecClient.vaultUrl === url, ecClient.keyID === `${url}/keys/${ecKey.name}`);
const ecSigned = await ecClient.signData("ES256", data);
console.log("signData ES256:", ecSigned.algorithm, ecSigned.result.length, (await ecClient.verifyData("ES256", data, ecSigned.result)).result);
console.log("verifyData ES256 other data:", (await ecClient.verifyData("ES256", Buffer.from("other"), ecSigned.result)).result);
const ecDigest = createHash("sha256").update(data).digest();
console.log("verify ES256 digest:", (await ecClient.verify("ES256", ecDigest, ecSigned.result)).result, ecClient.keyID === ecKey.id);

const ec384Client = client.getCryptographyClient(ec384Key.name, { keyVersion: ec384Key.properties.version });
console.log("versioned client:", ec384Client.keyID === ec384Key.id);
const ec384Signed = await ec384Client.signData("ES384", data);
console.log("signData ES384:", ec384Signed.result.length, (await ec384Client.verifyData("ES384", data, ec384Signed.result)).result, ec384Signed.keyID === ec384Key.id);
const ec384Digest = createHash("sha384").update(data).digest();
const ec384DigestSigned = await ec384Client.sign("ES384", ec384Digest);
console.log("sign ES384 digest:", ec384DigestSigned.result.length, (await ec384Client.verify("ES384", ec384Digest, ec384DigestSigned.result)).result);

// From a KeyVaultKey: the key is in hand from the start.
const fromKey = new CryptographyClient(rsaKey, credential, options);
console.log("from KeyVaultKey:", fromKey.vaultUrl === url, fromKey.keyID === rsaKey.id);
const byKey = await fromKey.encrypt({ algorithm: "RSA-OAEP", plaintext: Buffer.from("for the vault") });
console.log("decrypted by the vault:", text((await cryptoClient.decrypt({ algorithm: "RSA-OAEP", ciphertext: byKey.result })).result), byKey.keyID === rsaKey.id);
const rsSigned = await fromKey.signData("RS256", data);
console.log("verifyData from KeyVaultKey:", (await fromKey.verifyData("RS256", data, rsSigned.result)).result);

// From a JsonWebKey: local only, with the public key.
const local = new CryptographyClient(rsaKey.key);
console.log("local client:", JSON.stringify(local.vaultUrl), local.keyID === rsaKey.id);
const localEncrypted = await local.encrypt({ algorithm: "RSA-OAEP", plaintext: Buffer.from("encrypted locally") });
console.log("local encrypt:", localEncrypted.algorithm, localEncrypted.result.length, localEncrypted.keyID === rsaKey.id);
console.log("decrypted by the vault:", text((await cryptoClient.decrypt("RSA-OAEP", localEncrypted.result)).result));
const localWrapped = await local.wrapKey("RSA-OAEP", Buffer.from("a content key"));
console.log("unwrapped by the vault:", text((await cryptoClient.unwrapKey("RSA-OAEP", localWrapped.result)).result));
console.log("local verifyData:", (await local.verifyData("RS256", data, rsSigned.result)).result, (await local.verifyData("RS256", Buffer.from("x"), rsSigned.result)).result);
for (const attempt of [
  () => local.decrypt({ algorithm: "RSA-OAEP", ciphertext: localEncrypted.result }),
  () => local.sign("RS256", digest),
  () => local.unwrapKey("RSA-OAEP", localWrapped.result),
]) {
  try {
    await attempt();
    console.log("local: unexpected success");
  } catch (e) {
    console.log("local:", e.name, e.message);
  }
}

// A local symmetric key: AES-CBC with PKCS#7 padding, no vault involved.
const aes = new CryptographyClient({ kid: "local-aes", kty: "oct", k: Uint8Array.from({ length: 32 }, (_, i) => i) });
const iv = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);
for (const algorithm of ["A128CBCPAD", "A192CBCPAD", "A256CBCPAD"]) {
  const sealed = await aes.encrypt({ algorithm, plaintext: Buffer.from("AES with a local key"), iv });
  const opened = await aes.decrypt({ algorithm, ciphertext: sealed.result, iv });
  console.log(`local ${algorithm}:`, Buffer.from(sealed.result).toString("hex"), sealed.keyID, text(opened.result));
}
const freshIv = await aes.encrypt({ algorithm: "A256CBCPAD", plaintext: Buffer.from("a random iv") });
console.log("local iv made:", freshIv.iv.length, text((await aes.decrypt({ algorithm: "A256CBCPAD", ciphertext: freshIv.result, iv: freshIv.iv })).result));

// A key restricted to some operations: the client refuses the others before any request.
const encryptOnly = await client.createRsaKey(`${prefix}-encrypt-only`, { keyOps: ["encrypt", "decrypt"] });
const restricted = new CryptographyClient(encryptOnly.id, credential, options);
const sealed = await restricted.encrypt("RSA-OAEP", Buffer.from("restricted"));
console.log("restricted decrypt:", text((await restricted.decrypt("RSA-OAEP", sealed.result)).result));
try {
  await restricted.sign("RS256", digest);
} catch (e) {
  console.log("restricted sign:", e.name, named(e.message));
}

// An expired key: the client refuses it too.
const expired = await client.createRsaKey(`${prefix}-expired`, { expiresOn: new Date(Date.UTC(2001, 0, 1)) });
try {
  await new CryptographyClient(expired, credential, options).encrypt("RSA-OAEP", Buffer.from("late"));
} catch (e) {
  console.log("expired:", e.name, named(e.message));
}

for (const key of [rsaKey, ecKey, ec384Key, encryptOnly, expired]) {
  await (await client.beginDeleteKey(key.name, { intervalInMs: 100 })).pollUntilDone();
  await client.purgeDeletedKey(key.name);
}
console.log("done");
