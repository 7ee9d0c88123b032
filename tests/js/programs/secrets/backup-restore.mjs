// In the style of the official "backupAndRestore" sample; the test swaps only the import line.
import { SecretClient } from "@azure/keyvault-secrets";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new SecretClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const secretName = `${process.env.PREFIX}-backup`;

await client.setSecret(secretName, "first");
await client.setSecret(secretName, "second", { tags: { kept: "yes" } });
const backup = await client.backupSecret(secretName);
console.log("backup:", backup instanceof Uint8Array, backup.length > 0);

await (await client.beginDeleteSecret(secretName, { intervalInMs: 100 })).pollUntilDone();
await client.purgeDeletedSecret(secretName);

// A purge takes a moment to finish; the official samples retry the restore.
let restored;
for (let attempt = 0; !restored && attempt < 50; attempt++) {
  try {
    restored = await client.restoreSecretBackup(backup);
  } catch (e) {
    if (e.statusCode !== 409) throw e;
    await new Promise((r) => setTimeout(r, 100));
  }
}
console.log("restored:", restored.name, JSON.stringify(restored.tags));
const latest = await client.getSecret(secretName);
console.log("latest:", latest.value);
let versions = 0;
for await (const _ of client.listPropertiesOfSecretVersions(secretName)) versions++;
console.log("versions after restore:", versions);
