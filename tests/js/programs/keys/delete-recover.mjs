// In the style of the official "deleteAndRecover" sample; the test swaps only the import line.
import { KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new KeyClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });
const keyName = `${process.env.PREFIX}-recover`;

const key = await client.createEcKey(keyName, { curve: "P-256K", tags: { owner: "sample" } });
console.log("created:", key.name, key.keyType, key.key.crv);

const deletePoller = await client.beginDeleteKey(keyName, { intervalInMs: 100 });
console.log("delete started:", deletePoller.getOperationState().isStarted, deletePoller.isDone());
const deletedKey = await deletePoller.pollUntilDone();
console.log("deleted:", deletedKey.name, deletedKey.properties.recoveryId === `${url}/deletedkeys/${keyName}`, deletedKey.properties.deletedOn instanceof Date, deletePoller.isDone());
const purgeIn = deletedKey.properties.scheduledPurgeDate.getTime() - deletedKey.properties.deletedOn.getTime();
console.log("scheduled purge in days:", Math.round(purgeIn / 86_400_000));

const fetched = await client.getDeletedKey(keyName);
console.log("get deleted:", fetched.name, fetched.keyType, fetched.key.crv, JSON.stringify(fetched.properties.tags), fetched.properties.recoveryLevel, fetched.id === key.id);

try {
  await client.getKey(keyName);
} catch (e) {
  console.log("get while deleted:", e.statusCode, e.code);
}
try {
  await client.createKey(keyName, "EC");
} catch (e) {
  console.log("create while deleted:", e.statusCode, e.code);
}

const recoverPoller = await client.beginRecoverDeletedKey(keyName, { intervalInMs: 100 });
console.log("recover started:", recoverPoller.getOperationState().isStarted, recoverPoller.isDone());
const recovered = await recoverPoller.pollUntilDone();
console.log("recovered:", recovered.name, recovered.keyType, recovered.id === key.id, JSON.stringify(recovered.properties.tags), recovered.properties.recoveryId);
console.log("recover poller:", recoverPoller.isDone(), recoverPoller.getResult()?.name === keyName);

const got = await client.getKey(keyName);
console.log("get after recover:", got.properties.version === key.properties.version, got.key.crv);

const state = JSON.parse(recoverPoller.toString()).state;
console.log("poller state:", state.isStarted, state.isCompleted);

// Recovering a key that is not deleted: the poller finds it and is done, with nothing to recover.
const twice = await client.beginRecoverDeletedKey(keyName, { intervalInMs: 100 });
const live = await twice.pollUntilDone();
console.log("recovered twice:", twice.isDone(), live.name, live.id === key.id);

const again = await client.beginDeleteKey(keyName, { intervalInMs: 100 });
await again.pollUntilDone();
await client.purgeDeletedKey(keyName);
try {
  await client.getDeletedKey(keyName);
} catch (e) {
  console.log("after purge:", e.statusCode, e.code);
}
