// In the style of the official "listOperations" sample; the test swaps only the import line.
import { KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new KeyClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const prefix = `${process.env.PREFIX}-list`;
const names = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`);

for (const name of names) {
  await client.createKey(name, name.endsWith("2") ? "RSA" : "EC", { enabled: !name.endsWith("3"), tags: { index: name.slice(-1) } });
}
await client.createKey(names[0], "EC", { curve: "P-384" });
await client.createKey(names[0], "EC", { curve: "P-521" });

const listed = [];
for await (const properties of client.listPropertiesOfKeys()) {
  if (properties.name.startsWith(prefix)) {
    listed.push(`${properties.name}:${properties.enabled}:${properties.tags?.index}:${properties.version === undefined}:${properties.id === `${url}/keys/${properties.name}`}`);
  }
}
console.log("listed:", listed.join(" "));

let pages = 0;
let items = 0;
let largest = 0;
for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) {
  pages++;
  largest = Math.max(largest, page.length);
  items += page.filter((p) => p.name.startsWith(prefix)).length;
}
console.log("paged:", items, pages >= 3, largest);

const versions = [];
for await (const properties of client.listPropertiesOfKeyVersions(names[0])) {
  versions.push(`${properties.name}:${properties.version?.length}:${properties.id === `${url}/keys/${properties.name}/${properties.version}`}:${properties.createdOn instanceof Date}`);
}
console.log("versions:", versions.length, [...new Set(versions)].join(" "));

const versionPages = [];
for await (const page of client.listPropertiesOfKeyVersions(names[0]).byPage({ maxPageSize: 1 })) versionPages.push(page.length);
console.log("version pages:", versionPages.join(","));

let none = 0;
for await (const _ of client.listPropertiesOfKeyVersions(`${prefix}-never-created`)) none++;
console.log("versions of a missing key:", none);

for (const name of [names[1], names[3]]) await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
const deleted = [];
for await (const deletedKey of client.listDeletedKeys()) {
  if (!deletedKey.name.startsWith(prefix)) continue;
  deleted.push(`${deletedKey.name}:${deletedKey.properties.recoveryId === `${url}/deletedkeys/${deletedKey.name}`}:${deletedKey.properties.deletedOn instanceof Date}:${deletedKey.properties.scheduledPurgeDate instanceof Date}:${deletedKey.key?.kid === deletedKey.id}:${deletedKey.keyType}`);
}
console.log("deleted:", deleted.join(" "));

let deletedPages = 0;
for await (const page of client.listDeletedKeys().byPage({ maxPageSize: 1 })) deletedPages += page.some((d) => d.name.startsWith(prefix)) ? 1 : 0;
console.log("deleted pages with ours:", deletedPages);

const stillListed = [];
for await (const properties of client.listPropertiesOfKeys()) if (properties.name.startsWith(prefix)) stillListed.push(properties.name.slice(-1));
console.log("live:", stillListed.join(","));

for (const name of names) {
  if (name !== names[1] && name !== names[3]) await (await client.beginDeleteKey(name, { intervalInMs: 100 })).pollUntilDone();
  await client.purgeDeletedKey(name);
}
console.log("purged");
