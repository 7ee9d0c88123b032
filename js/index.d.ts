/**
 * keyvault-keys-wasm: an Azure Key Vault `KeyClient` for Node.js and browsers.
 *
 * A "key" here is a string-valued, versioned object stored as a Key Vault secret (REST
 * `/secrets`), with the method names of the Key Vault "keys" guide. See the README.
 */

/** A token and when it expires, as `@azure/identity` credentials return it. */
export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number;
}

/** What the client passes when it asks for a token. */
export interface GetTokenOptions {
  /** The tenant named by the vault's authentication challenge. */
  tenantId?: string;
  /** Claims requested by a Continuous Access Evaluation challenge (base64). */
  claims?: string;
  /** Always true: the client handles CAE challenges. */
  enableCae?: boolean;
}

/** Any `@azure/identity` credential satisfies this. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}

/**
 * A plain function works too. A bare string is used for one request only; return
 * `{ token, expiresOnTimestamp }` to let the client reuse it until two minutes before expiry.
 */
export type TokenProvider = (scopes: string[], options: GetTokenOptions) => Promise<string | AccessToken> | string | AccessToken;

/** A request as the client hands it to a transport. */
export interface HttpRequest {
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE";
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

/** A response as a transport returns it. */
export interface HttpResponse {
  status: number;
  /** Lower-case names as a plain object, or anything with `get(name)` (such as fetch's `Headers`). */
  headers: Record<string, string | string[] | undefined> | { get(name: string): string | null };
  bodyAsText: string;
}

/** Bring your own transport. Default: node:http with keep-alive in Node, `fetch` in browsers. */
export interface HttpClient {
  sendRequest(request: HttpRequest): Promise<HttpResponse>;
}

export interface KeyClientOptions {
  /** REST api-version. Default `"2025-07-01"`. */
  serviceVersion?: string;
  /** Allow an `http://` vault URL (a local emulator). Default false: only https. */
  allowInsecureConnection?: boolean;
  /**
   * Skip the check that the authentication challenge's resource belongs to the vault's host.
   * Only for vaults served from another host, such as a local emulator.
   */
  disableChallengeResourceVerification?: boolean;
  /** A transport to use instead of the default. */
  httpClient?: HttpClient;
}

export interface KeyProperties {
  /** The full id: `https://{vault}/secrets/{name}/{version}`. */
  readonly id: string;
  readonly name: string;
  readonly vaultUrl: string;
  /** 32 hexadecimal characters. */
  readonly version: string;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
  /** E.g. "Recoverable+Purgeable", "CustomizedRecoverable+Purgeable". */
  readonly recoveryLevel?: string;
  /** Days a deleted key can be recovered. */
  readonly recoverableDays?: number;
  contentType?: string;
  /** Always a plain object; empty when the key has no tags. */
  tags: Record<string, string>;
  /** True when Key Vault manages this object's lifetime (certificate-backed). */
  readonly managed?: boolean;
}

export interface KeyVaultKey {
  readonly name: string;
  /** The stored string. */
  readonly value: string;
  readonly properties: KeyProperties;
}

/** Properties `setKey` stores with the new version. Anything not given is not carried over. */
export interface SetKeyOptions {
  /** At most 255 characters. */
  contentType?: string;
  /** Default true. */
  enabled?: boolean;
  expiresOn?: Date;
  notBefore?: Date;
  /** At most 15 tags; names 1-256 and values 0-256 characters. */
  tags?: Record<string, string>;
}

/** Properties to change; the others stay as they are. `tags` replaces the whole set. */
export type UpdateKeyPropertiesOptions = SetKeyOptions;

export interface GetKeyOptions {
  /** A specific version; default the latest. */
  version?: string;
}

export declare class KeyClient {
  /**
   * @param vaultUrl `https://{vault-name}.vault.azure.net`
   * @param credential A `TokenCredential` or a function returning a token.
   * @throws TypeError or RangeError for a bad argument (synchronously).
   */
  constructor(vaultUrl: string, credential: TokenCredential | TokenProvider, options?: KeyClientOptions);

  /** The vault URL, normalised. */
  readonly vaultUrl: string;

  /**
   * Stores `value` as a new version of key `name` (creating the key if needed).
   * Rejects with TypeError/RangeError for bad arguments, before any request.
   */
  setKey(name: string, value: string, options?: SetKeyOptions): Promise<KeyVaultKey>;

  /** The latest version of a key, or the version given. A disabled version rejects with a 403. */
  getKey(name: string, options?: GetKeyOptions): Promise<KeyVaultKey>;

  /** Changes properties of one version; never the value. */
  updateKeyProperties(name: string, version: string, options?: UpdateKeyPropertiesOptions): Promise<KeyProperties>;
  /** Changes properties of the latest version; never the value. */
  updateKeyProperties(name: string, options?: UpdateKeyPropertiesOptions): Promise<KeyProperties>;
}

/** The service answered with an error, could not be reached, or answered unreadably. */
export declare class KeyVaultError extends Error {
  readonly name: "KeyVaultError";
  /** The HTTP status; undefined when no response arrived. */
  readonly statusCode?: number;
  /**
   * The service's error code as sent (`"SecretNotFound"`, `"Forbidden"`, `"BadParameter"`,
   * `"Unauthorized"`, ...), or `"REQUEST_SEND_ERROR"` (no response) or `"PARSE_ERROR"`
   * (a success status with an unreadable body).
   */
  readonly code?: string;
  /** The service's `x-ms-request-id`. */
  readonly requestId?: string;
}

/** No token could be obtained or applied. `cause` holds the credential's own error, if any. */
export declare class AuthenticationError extends Error {
  readonly name: "AuthenticationError";
}
