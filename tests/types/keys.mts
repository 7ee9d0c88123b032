// The /keys contract (js/keys.d.ts) against @azure/keyvault-keys: ours must be assignable to
// the official types and the official ones to ours (classes compared by their public
// members), so the contract cannot drift from the official API.
import * as official from "@azure/keyvault-keys";
import type * as ours from "keyvault-keys-wasm/keys";

/** A class's public members (a class with private members is otherwise only itself). */
type Public<T> = { [K in keyof T]: T[K] };
/** Compiles only when A and B are assignable to each other. */
function both<A, B>(_: [A] extends [B] ? ([B] extends [A] ? true : "B is not assignable to A") : "A is not assignable to B"): void {}

// getCryptographyClient returns each package's own CryptographyClient class, whose private
// members make the official one nominal: it is compared by its public members below.
type Client<T extends { getCryptographyClient: unknown }> = Omit<Public<T>, "getCryptographyClient">;
both<Client<official.KeyClient>, Client<ours.KeyClient>>(true);
both<Parameters<official.KeyClient["getCryptographyClient"]>, Parameters<ours.KeyClient["getCryptographyClient"]>>(true);
both<Public<ReturnType<official.KeyClient["getCryptographyClient"]>>, Public<ReturnType<ours.KeyClient["getCryptographyClient"]>>>(true);
both<Public<official.CryptographyClient>, Public<ours.CryptographyClient>>(true);
both<official.KeyVaultKey, ours.KeyVaultKey>(true);
both<official.KeyProperties, ours.KeyProperties>(true);
both<official.DeletedKey, ours.DeletedKey>(true);
both<official.JsonWebKey, ours.JsonWebKey>(true);
both<official.KeyRotationPolicy, ours.KeyRotationPolicy>(true);
both<official.KeyRotationPolicyProperties, ours.KeyRotationPolicyProperties>(true);
both<official.KeyReleasePolicy, ours.KeyReleasePolicy>(true);
both<official.ReleaseKeyResult, ours.ReleaseKeyResult>(true);
both<official.KeyVaultKeyIdentifier, ours.KeyVaultKeyIdentifier>(true);
both<official.EncryptResult, ours.EncryptResult>(true);
both<official.DecryptResult, ours.DecryptResult>(true);
both<official.WrapResult, ours.WrapResult>(true);
both<official.UnwrapResult, ours.UnwrapResult>(true);
both<official.SignResult, ours.SignResult>(true);
both<official.VerifyResult, ours.VerifyResult>(true);
both<official.EncryptParameters, ours.EncryptParameters>(true);
both<official.DecryptParameters, ours.DecryptParameters>(true);
both<official.KeyWrapAlgorithm, ours.KeyWrapAlgorithm>(true);
both<typeof official.parseKeyVaultKeyIdentifier, typeof ours.parseKeyVaultKeyIdentifier>(true);

// Options: everything a program passes to the official clients, it can pass to ours.
const options: [
  ours.CreateKeyOptions,
  ours.CreateRsaKeyOptions,
  ours.CreateEcKeyOptions,
  ours.ImportKeyOptions,
  ours.UpdateKeyPropertiesOptions,
  ours.GetKeyOptions,
  ours.ReleaseKeyOptions,
  ours.BeginDeleteKeyOptions,
  ours.GetCryptographyClientOptions,
  ours.KeyClientOptions,
  ours.CryptographyClientOptions,
  ours.SignOptions,
] = [] as unknown as [
  official.CreateKeyOptions,
  official.CreateRsaKeyOptions,
  official.CreateEcKeyOptions,
  official.ImportKeyOptions,
  official.UpdateKeyPropertiesOptions,
  official.GetKeyOptions,
  official.ReleaseKeyOptions,
  official.BeginDeleteKeyOptions,
  official.GetCryptographyClientOptions,
  official.KeyClientOptions,
  official.CryptographyClientOptions,
  official.SignOptions,
];
void options;

// The constructors take what the official ones take.
type OfficialKeyClientArgs = ConstructorParameters<typeof official.KeyClient>;
declare const KeyClient: typeof ours.KeyClient;
declare const CryptographyClient: typeof ours.CryptographyClient;
const asOfficialKeyClient: new (...args: OfficialKeyClientArgs) => Client<official.KeyClient> = KeyClient;
declare const officialArgs: OfficialKeyClientArgs;
new CryptographyClient(officialArgs[0], officialArgs[1], officialArgs[2]);
declare const jwk: official.JsonWebKey;
new CryptographyClient(jwk);
void asOfficialKeyClient;

// The Known* values are the official strings.
const curve: `${official.KnownKeyCurveNames.P256K}` = `${"P-256K" as `${ours.KnownKeyCurveNames.P256K}`}`;
void curve;
