// Pins the public signatures of js/index.d.ts: this file must type-check (tsc --noEmit), and
// every @ts-expect-error line must stay an error. Run by `npm test`.
import {
  AbortError,
  AuthenticationError,
  KeyClient,
  KeyVaultError,
  PollerStoppedError,
  type DeletedKey,
  type KeyProperties,
  type KeyVaultKey,
  type TokenCredential,
} from "keyvault-keys-wasm";

declare const credential: TokenCredential;
const client = new KeyClient("https://v.vault.azure.net", credential);
new KeyClient("http://127.0.0.1:8443", async () => "token", { allowInsecureConnection: true, disableChallengeResourceVerification: true });
new KeyClient("https://v.vault.azure.net", () => ({ token: "t", expiresOnTimestamp: 0 }), {
  serviceVersion: "7.5",
  retryOptions: { maxRetries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 5000, tryTimeoutInMs: 10_000 },
  userAgentOptions: { userAgentPrefix: "myapp/1.0" },
});

export async function seedShapes(): Promise<void> {
  const { name, value, properties }: KeyVaultKey = await client.setKey("myKey", "myKeyValue");
  const withOptions = await client.setKey(name, value, {
    contentType: "application/json",
    tags: { project: "test-cluster" },
    enabled: true,
    expiresOn: new Date(),
    notBefore: new Date(),
  });
  const createdOn: Date | undefined = withOptions.properties.createdOn;
  const version: string | undefined = properties.version;
  const byVersion: KeyProperties = await client.updateKeyProperties(name, version ?? "", { tags: { a: "b" }, enabled: false });
  const latest: KeyProperties = await client.updateKeyProperties(name, { contentType: "text/plain" });
  const key: KeyVaultKey = await client.getKey(name, { version: byVersion.version });
  const tags: Record<string, string> = key.properties.tags;
  void [createdOn, latest, tags];

  // @ts-expect-error the value is a string
  await client.setKey("k", { json: true });
  // @ts-expect-error tags are strings
  await client.setKey("k", "v", { tags: { n: 1 } });
  // @ts-expect-error expiresOn is a Date
  await client.setKey("k", "v", { expiresOn: "2030-01-01" });
  // @ts-expect-error server fields are read-only
  key.properties.createdOn = new Date();
}

export async function lifecycleShapes(): Promise<void> {
  for await (const p of client.listPropertiesOfKeys()) void (p satisfies KeyProperties);
  for await (const page of client.listPropertiesOfKeyVersions("k").byPage({ maxPageSize: 10 })) {
    const token: string | undefined = page.continuationToken;
    void [page[0] satisfies KeyProperties | undefined, token];
  }
  for await (const d of client.listDeletedKeys()) void (d.deletedOn satisfies Date | undefined);
  for await (const p of client.listPropertiesOfKeysNearExpiry({ within: "P30D" })) void p.expiresOn;

  const poller = await client.beginDeleteKey("k", { intervalInMs: 100 });
  const unsubscribe: () => void = poller.onProgress((state) => void state.isCompleted);
  const deleted: DeletedKey = await poller.pollUntilDone({ abortSignal: new AbortController().signal });
  const resumed = await client.beginDeleteKey("k", { resumeFrom: poller.toString() });
  void [unsubscribe, deleted.scheduledPurgeDate, resumed.isDone(), resumed.getOperationState().result];

  const recovered: KeyProperties = await (await client.beginRecoverDeletedKey("k")).pollUntilDone();
  const backup: Uint8Array = await client.backupKey("k");
  const restored: KeyProperties = await client.restoreKeyBackup(backup, { timeoutInMs: 1000 });
  await client.purgeDeletedKey("k");
  const rotated: KeyVaultKey = await client.rotateKey("k", (current) => current.value + "!", { expiresIn: "P90D" });
  void [recovered, restored, rotated];
  // @ts-expect-error a backup is bytes
  await client.restoreKeyBackup("backup");
}

export function errors(e: unknown): void {
  if (e instanceof KeyVaultError) {
    const status: number | undefined = e.statusCode;
    const code: string | undefined = e.code;
    void [status, code, e.requestId, e.message];
  }
  void [e instanceof AuthenticationError, e instanceof AbortError, e instanceof PollerStoppedError];
}
