// The drop-in's contract against the official package's: ours must be assignable to the
// official types and the official ones to ours (classes compared by their public members), so
// js/secrets.d.ts cannot drift from @azure/keyvault-secrets. Run by `npm test` (tsc).
import * as official from "@azure/keyvault-secrets";
import * as ours from "keyvault-keys-wasm/secrets";

/** A class's public members (a class with private members is otherwise only itself). */
type Public<T> = { [K in keyof T]: T[K] };
/** Compiles only when A and B are assignable to each other. */
function both<A, B>(_: [A] extends [B] ? ([B] extends [A] ? true : "B is not assignable to A") : "A is not assignable to B"): void {}

both<Public<official.SecretClient>, Public<ours.SecretClient>>(true);
both<official.KeyVaultSecret, ours.KeyVaultSecret>(true);
both<official.SecretProperties, ours.SecretProperties>(true);
both<official.DeletedSecret, ours.DeletedSecret>(true);
both<official.KeyVaultSecretIdentifier, ours.KeyVaultSecretIdentifier>(true);
both<official.PageSettings, ours.PageSettings>(true);
both<official.PagedAsyncIterableIterator<official.SecretProperties>, ours.PagedAsyncIterableIterator<ours.SecretProperties>>(true);
both<
  official.PollerLike<official.PollOperationState<official.DeletedSecret>, official.DeletedSecret>,
  ours.PollerLike<ours.PollOperationState<ours.DeletedSecret>, ours.DeletedSecret>
>(true);
both<typeof official.parseKeyVaultSecretIdentifier, typeof ours.parseKeyVaultSecretIdentifier>(true);

// Options: everything a program passes to the official client, it can pass to ours.
const setOptions: ours.SetSecretOptions = {} as official.SetSecretOptions;
const updateOptions: ours.UpdateSecretPropertiesOptions = {} as official.UpdateSecretPropertiesOptions;
const getOptions: ours.GetSecretOptions = {} as official.GetSecretOptions;
const pollerOptions: ours.BeginDeleteSecretOptions = {} as official.BeginDeleteSecretOptions;
const listOptions: ours.ListPropertiesOfSecretsOptions = {} as official.ListPropertiesOfSecretsOptions;
const clientOptions: ours.SecretClientOptions = {} as official.SecretClientOptions;
void [setOptions, updateOptions, getOptions, pollerOptions, listOptions, clientOptions];

// The constructor takes what the official one takes (and a plain function too).
declare const credential: import("@azure/core-auth").TokenCredential;
declare const officialClientOptions: official.SecretClientOptions;
new ours.SecretClient("https://v.vault.azure.net", credential, officialClientOptions);
new ours.SecretClient("https://v.vault.azure.net", async () => "token");
const asOfficial: new (...args: ConstructorParameters<typeof official.SecretClient>) => Public<official.SecretClient> = ours.SecretClient;
void asOfficial;

// The Known* values are the official strings.
const level: official.KnownDeletionRecoveryLevel = ours.KnownDeletionRecoveryLevel.Recoverable as string as official.KnownDeletionRecoveryLevel;
const pem: `${official.KnownContentType.PEM}` = `${ours.KnownContentType.PEM}`;
void [level, pem];

// Errors: isRestError narrows to the fields the official RestError has.
declare const e: unknown;
if (ours.isRestError(e)) {
  const status: number | undefined = e.statusCode;
  const code: string | undefined = e.code;
  void [status, code];
}
