// In the style of the official "backupAndRestore" sample; the test swaps only the import line.
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const options = { allowInsecureConnection: true, disableChallengeResourceVerification: true };
const client = new KeyClient(url, credential, options);
const keyName = `${process.env.PREFIX}-backup`;

const first = await client.createRsaKey(keyName, { keySize: 2048 });
const second = await client.createRsaKey(keyName, { keySize: 2048, tags: { kept: "yes" }, expiresOn: new Date(Date.UTC(2033, 2, 3)) });
const sealed = await new CryptographyClient(first, credential, options).encrypt("RSA-OAEP", Buffer.from("sealed before the backup"));

const backup = await client.backupKey(keyName);
console.log("backup:", backup instanceof Uint8Array, backup.length > 0);

await (await client.beginDeleteKey(keyName, { intervalInMs: 100 })).pollUntilDone();
await client.purgeDeletedKey(keyName);

// A purge takes a moment to finish; the official samples retry the restore.
let restored;
for (let attempt = 0; !restored && attempt < 50; attempt++) {
  try {
    restored = await client.restoreKeyBackup(backup);
  } catch (e) {
    if (e.statusCode !== 409) throw e;
    await new Promise((r) => setTimeout(r, 100));
  }
}
console.log("restored:", restored.name, restored.keyType, JSON.stringify(restored.properties.tags), restored.properties.expiresOn?.toISOString());
console.log("same version:", restored.properties.version === second.properties.version, restored.id === second.id);
console.log("same key:", Buffer.compare(restored.key.n, second.key.n) === 0);

let versions = 0;
for await (const _ of client.listPropertiesOfKeyVersions(keyName)) versions++;
console.log("versions after restore:", versions);

const firstAgain = client.getCryptographyClient(keyName, { keyVersion: first.properties.version });
console.log("decrypted with the restored first version:", Buffer.from((await firstAgain.decrypt("RSA-OAEP", sealed.result)).result).toString());

try {
  await client.restoreKeyBackup(backup);
} catch (e) {
  console.log("restore onto a live key:", e.statusCode, e.code);
}

await (await client.beginDeleteKey(keyName, { intervalInMs: 100 })).pollUntilDone();
await client.purgeDeletedKey(keyName);
console.log("done");
