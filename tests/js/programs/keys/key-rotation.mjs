// In the style of the official "keyRotation" sample; the test swaps only the import line.
import { KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new KeyClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const keyName = `${process.env.PREFIX}-rotation`;

/** A value as console.log would show it, with dates and version ids (which differ run to run) named instead. */
function printable(value) {
  if (value instanceof Date) return "<date>";
  if (typeof value === "string") return value.replace(/[0-9a-f]{32}/g, "<version>");
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  return value;
}

const key = await client.createKey(keyName, "EC");
console.log("created key:", key.name, key.keyType, key.key.crv);

const defaultPolicy = await client.getKeyRotationPolicy(keyName);
console.log("default policy: ", printable(defaultPolicy));

// Rotate the key 30 days after it is created.
const policy = await client.updateKeyRotationPolicy(key.name, {
  lifetimeActions: [{ action: "Rotate", timeAfterCreate: "P30D" }],
});
console.log("created policy:", policy.id?.endsWith(`/keys/${keyName}/rotationpolicy`), policy.expiresIn, JSON.stringify(policy.lifetimeActions));
console.log("policy dates:", policy.createdOn instanceof Date, policy.updatedOn instanceof Date);

const currentPolicy = await client.getKeyRotationPolicy(key.name);
console.log("fetched policy: ", printable(currentPolicy));

// Notify 30 days before the key expires, with keys that expire 90 days after they are made.
const updatedPolicy = await client.updateKeyRotationPolicy(key.name, {
  lifetimeActions: [{ action: "Notify", timeBeforeExpiry: "P30D" }],
  expiresIn: "P90D",
});
console.log("updated policy:", updatedPolicy.expiresIn, JSON.stringify(updatedPolicy.lifetimeActions));

const bothActions = await client.updateKeyRotationPolicy(key.name, {
  lifetimeActions: [
    { action: "Rotate", timeBeforeExpiry: "P7D" },
    { action: "Notify", timeBeforeExpiry: "P14D" },
  ],
  expiresIn: "P1Y",
});
console.log("both actions:", bothActions.expiresIn, JSON.stringify(bothActions.lifetimeActions));

// Rotate on demand: a new version of the key.
const newKeyVersion = await client.rotateKey(key.name);
console.log("rotated key:", newKeyVersion.name, newKeyVersion.keyType, newKeyVersion.key.crv, newKeyVersion.properties.version !== key.properties.version);
const lifetime = newKeyVersion.properties.expiresOn.getTime() - newKeyVersion.properties.createdOn.getTime();
console.log("new version expires after:", Math.round(lifetime / 86_400_000), "days");

const latest = await client.getKey(keyName);
console.log("latest is the rotated one:", latest.properties.version === newKeyVersion.properties.version);

let versions = 0;
for await (const _ of client.listPropertiesOfKeyVersions(keyName)) versions++;
console.log("versions:", versions);

const rsa = await client.createRsaKey(`${keyName}-rsa`, { keySize: 2048, tags: { team: "a" } });
const rsaRotated = await client.rotateKey(rsa.name);
console.log("rotated RSA:", rsaRotated.keyType, rsaRotated.key.n.length, JSON.stringify(rsaRotated.properties.tags), rsaRotated.properties.expiresOn);

for (const name of [keyName, rsa.name]) {
  await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
  await client.purgeDeletedKey(name);
}
console.log("done");
