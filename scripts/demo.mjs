// The seed document's flows, end to end, printed as they happen. Run by `npm start`.
import { KeyClient, KeyVaultError } from "keyvault-keys-wasm";

const show = (label, props) =>
  console.log(
    `${label.padEnd(26)} version ${props.version}  enabled=${props.enabled}` +
      `  contentType=${props.contentType ?? "-"}  tags=${JSON.stringify(props.tags)}`,
  );

/** Runs the flows against `vaultUrl`; `local` means the emulator (http, any token). */
export async function demo(vaultUrl, credential, { local }) {
  const client = new KeyClient(
    vaultUrl,
    credential,
    local ? { allowInsecureConnection: true, disableChallengeResourceVerification: true } : {},
  );
  const keyName = `seed-demo-${Date.now().toString(36)}`;
  console.log(`vault ${client.vaultUrl}, key "${keyName}"\n`);

  // Set a key
  const first = await client.setKey(keyName, "myKeyValue");
  show("setKey", first.properties);
  console.log(`${"".padEnd(26)} value ${JSON.stringify(first.value)}, created ${first.properties.createdOn.toISOString()},` +
    ` recoverableDays ${first.properties.recoverableDays}, recoveryLevel ${first.properties.recoveryLevel}`);

  // Set a key with properties
  const withOptions = await client.setKey(keyName, JSON.stringify({ mykey: "myvalue", myEndpoint: "https://myendpoint.com" }), {
    contentType: "application/json",
    tags: { project: "test-cluster", owner: "jmclane", team: "devops" },
  });
  show("setKey with properties", withOptions.properties);

  // Update key value: a new version; properties not passed again are lost
  const updated = await client.setKey(keyName, "newValue");
  show("setKey (update value)", updated.properties);

  // Update key properties: only the given ones change, the value never does
  const props = await client.updateKeyProperties(keyName, withOptions.properties.version, {
    tags: { ...withOptions.properties.tags, updatedTag: "additional information" },
    enabled: false,
  });
  show("updateKeyProperties", props);

  // Get by version
  const byVersion = await client.getKey(keyName, { version: first.properties.version });
  console.log(`getKey first version       value ${JSON.stringify(byVersion.value)}`);
  const latest = await client.getKey(keyName);
  console.log(`getKey latest              value ${JSON.stringify(latest.value)} (version ${latest.properties.version})`);
  try {
    await client.getKey(keyName, { version: withOptions.properties.version });
    throw new Error("reading a disabled version should have failed");
  } catch (e) {
    if (!(e instanceof KeyVaultError)) throw e;
    console.log(`getKey disabled version    ${e.statusCode} ${e.code}: ${e.message}`);
  }
}
