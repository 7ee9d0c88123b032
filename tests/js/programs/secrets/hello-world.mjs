// In the style of the official @azure/keyvault-secrets "helloWorld" sample. The test runs this
// file as written and again with only the import line changed to keyvault-keys-wasm/secrets.
import { SecretClient, isRestError } from "@azure/keyvault-secrets";

const url = process.env.KEYVAULT_URI;
// The emulator accepts any token; a real program would use DefaultAzureCredential.
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new SecretClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const secretName = `${process.env.PREFIX}-hello`;

const result = await client.setSecret(secretName, "MySecretValue", { contentType: "text/plain", tags: { env: "sample" } });
console.log("set:", result.name, result.value, result.properties.contentType, JSON.stringify(result.properties.tags), result.properties.enabled);

const secret = await client.getSecret(secretName);
console.log("get:", secret.name, secret.value, secret.properties.version === result.properties.version);

const second = await client.setSecret(secretName, "MyNewSecretValue");
console.log("new version:", second.value, second.properties.tags, second.properties.version !== result.properties.version);

const updated = await client.updateSecretProperties(secretName, result.properties.version, { enabled: false });
console.log("updated:", updated.name, updated.enabled, updated.contentType, "value" in updated);

try {
  await client.getSecret(secretName, { version: result.properties.version });
} catch (e) {
  console.log("disabled version:", isRestError(e), e.statusCode, e.code);
}

let versions = 0;
for await (const properties of client.listPropertiesOfSecretVersions(secretName)) versions += properties.name === secretName ? 1 : 0;
console.log("versions:", versions);

const deletePoller = await client.beginDeleteSecret(secretName, { intervalInMs: 100 });
const deleted = await deletePoller.pollUntilDone();
console.log("deleted:", deleted.name, deleted.recoveryId?.endsWith(`/deletedsecrets/${secretName}`), deleted.deletedOn instanceof Date, deletePoller.isDone());

const fetched = await client.getDeletedSecret(secretName);
console.log("get deleted:", fetched.name, fetched.properties.recoveryLevel);

await client.purgeDeletedSecret(secretName);
try {
  await client.getSecret(secretName);
} catch (e) {
  console.log("after purge:", isRestError(e), e.statusCode, e.code);
}
