// The CommonJS declarations (js/*.d.cts): `require()` of each entry gets its types (under
// `module: nodenext` a .cts file is CommonJS, and an entry typed as ES module would be refused
// with TS1479). The ES module declarations are pinned against the official ones by the .mts
// tests beside this file; these are generated from them (scripts/declarations.mjs).
import root = require("keyvault-keys-wasm");
import keys = require("keyvault-keys-wasm/keys");
import secrets = require("keyvault-keys-wasm/secrets");

declare const credential: root.TokenCredential;

export async function useEveryEntry(vaultUrl: string): Promise<[string | undefined, boolean, string | undefined]> {
  const rootClient = new root.KeyClient(vaultUrl, () => "token");
  const value: string | undefined = (await rootClient.getKey("name")).value;
  const keyClient = new keys.KeyClient(vaultUrl, credential);
  const key: keys.KeyVaultKey = await keyClient.getKey("name");
  const verified: keys.VerifyResult = await new keys.CryptographyClient(key.key!).verifyData("ES256", new Uint8Array(1), new Uint8Array(64));
  const secret: secrets.KeyVaultSecret = await new secrets.SecretClient(vaultUrl, credential).getSecret("name");
  const error: unknown = undefined;
  if (keys.isRestError(error) && error instanceof secrets.RestError) void error.statusCode;
  return [value, verified.result, secret.value];
}
