// In the style of the official "listOperations" and "deleteAndRecover" samples; the test swaps
// only the import line.
import { SecretClient } from "@azure/keyvault-secrets";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new SecretClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const prefix = `${process.env.PREFIX}-list`;
const names = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`);

for (const name of names) await client.setSecret(name, `value of ${name}`, { enabled: name.endsWith("3") ? false : true });

const listed = [];
for await (const properties of client.listPropertiesOfSecrets()) {
  if (properties.name.startsWith(prefix)) listed.push(`${properties.name}:${properties.enabled}:${properties.version === undefined}`);
}
console.log("listed:", listed.sort().join(" "));

let pages = 0;
let items = 0;
for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) {
  pages++;
  items += page.filter((p) => p.name.startsWith(prefix)).length;
}
console.log("paged:", items, pages >= 3);

const poller = await client.beginDeleteSecret(names[0], { intervalInMs: 100 });
await poller.pollUntilDone();
const deletedNames = [];
for await (const deleted of client.listDeletedSecrets()) if (deleted.name.startsWith(prefix)) deletedNames.push(deleted.name);
console.log("deleted listed:", deletedNames.join(" "));

const recoverPoller = await client.beginRecoverDeletedSecret(names[0], { intervalInMs: 100 });
const recovered = await recoverPoller.pollUntilDone();
console.log("recovered:", recovered.name, (await client.getSecret(names[0])).value);

const state = JSON.parse(recoverPoller.toString()).state;
console.log("poller state:", state.isStarted, state.isCompleted);
