// In the style of the official @azure/keyvault-keys "helloWorld" sample. The test runs this
// file as written and again with only the import line changed to keyvault-keys-wasm/keys.
import { KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
// The emulator accepts any token; a real program would use DefaultAzureCredential.
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new KeyClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const keyName = `${process.env.PREFIX}-key`;
const ecKeyName = `${process.env.PREFIX}-ec-key`;
const rsaKeyName = `${process.env.PREFIX}-rsa-key`;

/** What a sample would look at in a KeyVaultKey: its kind and sizes, not its random bytes. */
function summary(key) {
  const jwk = key.key;
  const material = ["n", "e", "d", "x", "y", "k"].filter((m) => jwk[m] !== undefined).map((m) => `${m}:${jwk[m].length}`);
  return [
    key.name,
    key.keyType,
    jwk.crv ?? "-",
    material.join(","),
    (key.keyOperations ?? []).join(","),
    key.properties.enabled,
    JSON.stringify(key.properties.tags),
    key.properties.version?.length,
    key.id === jwk.kid,
    key.properties.id === key.id,
    key.properties.vaultUrl === url,
  ].join(" ");
}

/** A value as console.log would show it, with bytes, dates and version ids (which differ run to run) named instead. */
function printable(value) {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value instanceof Date) return "<date>";
  if (typeof value === "string") return value.replace(/[0-9a-f]{32}/g, "<version>");
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  return value;
}

const result = await client.createKey(keyName, "EC");
console.log("key: ", printable(result));
console.log("key:", summary(result));
console.log("created on:", result.properties.createdOn instanceof Date, result.properties.updatedOn?.getTime() === result.properties.createdOn?.getTime());
console.log("recovery:", result.properties.recoveryLevel, result.properties.recoverableDays, result.properties.exportable, result.properties.managed);

const ecResult = await client.createEcKey(ecKeyName, { curve: "P-384", tags: { purpose: "sample" } });
const rsaResult = await client.createRsaKey(rsaKeyName, { keySize: 3072, keyOps: ["sign", "verify"] });
console.log("Elliptic curve key:", summary(ecResult));
console.log("RSA key:", summary(rsaResult));
console.log("RSA exponent:", Buffer.from(rsaResult.key.e).toString("hex"));

const key = await client.getKey(keyName);
console.log("get:", summary(key), key.properties.version === result.properties.version);

const second = await client.createKey(keyName, "EC", { curve: "P-521", notBefore: new Date(Date.UTC(2020, 0, 1)), expiresOn: new Date(Date.UTC(2035, 5, 30, 12)) });
console.log("new version:", summary(second), second.properties.version !== result.properties.version);
console.log("dates:", second.properties.notBefore?.toISOString(), second.properties.expiresOn?.toISOString());

const attested = await client.getKeyAttestation(keyName);
console.log("attestation: ", printable(attested.properties.attestation), attested.properties.version === second.properties.version);

const firstAgain = await client.getKey(keyName, { version: result.properties.version });
console.log("get first version:", firstAgain.key.crv, firstAgain.properties.version === result.properties.version);

const listed = [];
for await (const keyProperties of client.listPropertiesOfKeys()) {
  if (!keyProperties.name.startsWith(process.env.PREFIX)) continue;
  if (keyProperties.name === rsaKeyName) console.log("listed properties: ", printable(keyProperties));
  const latest = await client.getKey(keyProperties.name);
  listed.push(`${keyProperties.name}:${latest.keyType}:${keyProperties.version === undefined}`);
}
console.log("listed:", listed.sort().join(" "));

const updatedKey = await client.updateKeyProperties(keyName, result.properties.version, { enabled: false, tags: { state: "retired" } });
console.log("updated version:", summary(updatedKey), updatedKey.properties.version === result.properties.version);

const updatedLatest = await client.updateKeyProperties(keyName, { tags: { state: "current" }, keyOps: ["sign"] });
console.log("updated latest:", summary(updatedLatest), updatedLatest.properties.version === second.properties.version);

const cleared = await client.updateKeyProperties(rsaKeyName, "", { expiresOn: new Date(Date.UTC(2031, 1, 1)) });
console.log("updated with empty version:", cleared.properties.expiresOn?.toISOString(), (cleared.keyOperations ?? []).join(","));

const versions = [];
for await (const properties of client.listPropertiesOfKeyVersions(keyName)) {
  versions.push(`${properties.enabled}:${JSON.stringify(properties.tags)}:${properties.version?.length}`);
}
console.log("versions:", versions.length, versions.sort().join(" "));

const deletePoller = await client.beginDeleteKey(keyName, { intervalInMs: 100 });
await deletePoller.pollUntilDone();
const deletedKey = await client.getDeletedKey(keyName);
console.log("deleted key: ", printable(deletedKey));
console.log("deleted key:", deletedKey.name, deletedKey.keyType, deletedKey.properties.recoveryId?.endsWith(`/deletedkeys/${keyName}`), deletedKey.properties.deletedOn instanceof Date, deletedKey.properties.scheduledPurgeDate instanceof Date);

await client.purgeDeletedKey(keyName);
for (const name of [ecKeyName, rsaKeyName]) {
  await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
  await client.purgeDeletedKey(name);
}
console.log("purged");
