// keyvault-keys-wasm/secrets as a drop-in for @azure/keyvault-secrets: programs written for the
// official package (tests/js/programs/secrets/, in the style of its samples) run against the
// emulator as written and again with only their import line changed, and print the same.
// Then what only the drop-in does: errors without the token, dates after 2038, bad input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isRestError as officialIsRestError } from "@azure/core-rest-pipeline";
import { SecretClient as OfficialSecretClient } from "@azure/keyvault-secrets";
import { isRestError, RestError, SecretClient, parseKeyVaultSecretIdentifier } from "keyvault-keys-wasm/secrets";
import { assertNotFoundRestError, emulatorOptions, emulatorUrl, repoFile, testProgramsBothWays, uniqueName } from "./helpers.mjs";

const OFFICIAL = '"@azure/keyvault-secrets"';
const OURS = '"keyvault-keys-wasm/secrets"';
const programs = repoFile("tests/js/programs/secrets");
// Inside the repository, so both imports resolve (the package refers to itself by name).
const scratch = repoFile("target/dropin-programs");
const credential = { getToken: async () => ({ token: "secret-token-value", expiresOnTimestamp: Date.now() + 3_600_000 }) };

testProgramsBothWays(test, programs, OFFICIAL, OURS, scratch);

test("errors are RestErrors with the request and response, never the token", async () => {
  const client = new SecretClient(await emulatorUrl(), credential, emulatorOptions);
  const e = await client.getSecret(uniqueName("missing")).catch((x) => x);
  assertNotFoundRestError(e, { RestError, isRestError, officialIsRestError, code: "SecretNotFound", collection: "secrets", token: "secret-token-value" });
});

test("dates after 2038 are sent as they are (the official package sends them wrapped)", async () => {
  const url = await emulatorUrl();
  const expiresOn = new Date(Date.UTC(2100, 0, 1));
  const ours = await new SecretClient(url, credential, emulatorOptions).setSecret(uniqueName("y2100"), "v", { expiresOn });
  assert.equal(ours.properties.expiresOn.getTime(), expiresOn.getTime());
  const theirs = await new OfficialSecretClient(url, credential, { ...emulatorOptions }).setSecret(uniqueName("y2100"), "v", { expiresOn });
  assert.notEqual(theirs.properties.expiresOn.getTime(), expiresOn.getTime(), "if this fails, the official package was fixed: update the README");
});

test("bad arguments are refused before any request, with TypeError or RangeError", async () => {
  let sent = 0;
  const httpClient = { sendRequest: async () => (sent++, { status: 500, headers: {}, bodyAsText: "" }) };
  const client = new SecretClient("https://v.vault.azure.net", credential, { httpClient });
  const cases = [
    [() => client.setSecret(undefined, "v"), TypeError],
    [() => client.setSecret("a b", "v"), RangeError],
    [() => client.setSecret("k", 5), TypeError],
    [() => client.setSecret("k", "v", { expiresOn: "2030" }), TypeError],
    [() => client.getSecret("k", { version: "../x" }), RangeError],
    [() => client.getSecret("k", { outContentType: "application/x-pem-file" }), RangeError],
    [() => client.updateSecretProperties("k", 5, {}), TypeError],
    [() => client.updateSecretProperties("k", "abc", {}), RangeError],
    [() => client.restoreSecretBackup("not bytes"), TypeError],
    [() => client.getDeletedSecret("../x"), RangeError],
    [() => client.purgeDeletedSecret(""), RangeError],
    [() => client.backupSecret(null), TypeError],
    [() => client.listPropertiesOfSecretVersions("a/b").next(), RangeError],
    [() => client.listPropertiesOfSecrets().byPage({ maxPageSize: 26 }).next(), RangeError],
  ];
  for (const [call, kind] of cases) await assert.rejects(call(), kind, String(call));
  assert.throws(() => new SecretClient("http://v.vault.azure.net", credential), RangeError);
  assert.throws(() => new SecretClient("https://v.vault.azure.net", {}), TypeError);
  assert.equal(sent, 0);
});

test("vaultUrl is the URL as given, as the official client keeps it", () => {
  for (const url of ["https://MyVault.vault.azure.net/", "https://myvault.vault.azure.net"]) {
    assert.equal(new SecretClient(url, credential).vaultUrl, new OfficialSecretClient(url, credential).vaultUrl);
  }
});

test("parseKeyVaultSecretIdentifier reads ids (and refuses them) as the official one does", async () => {
  const id = "https://v.vault.azure.net/secrets/name/0123456789abcdef0123456789abcdef";
  assert.deepEqual(parseKeyVaultSecretIdentifier(id), {
    sourceId: id,
    vaultUrl: "https://v.vault.azure.net",
    name: "name",
    version: "0123456789abcdef0123456789abcdef",
  });
  assert.equal(parseKeyVaultSecretIdentifier("https://v.vault.azure.net/secrets/name").version, undefined);
  const official = await import("@azure/keyvault-secrets");
  for (const bad of ["", "nope", " https://v/secrets/a ", "https://v.vault.azure.net/keys/a/b", "https://v/secrets/a/b/c", "x://y/secrets/%/a"]) {
    const ours = (() => { try { return parseKeyVaultSecretIdentifier(bad); } catch (e) { return e.message; } })();
    const theirs = (() => { try { return official.parseKeyVaultSecretIdentifier(bad); } catch (e) { return e.message; } })();
    assert.deepEqual(ours, theirs, bad);
  }
});
