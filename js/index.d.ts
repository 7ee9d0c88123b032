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
 * `{ token, expiresOnTimestamp }` to let the client reuse it: it is refreshed in the background
 * within two minutes of expiry, and no longer used within 30 seconds.
 */
export type TokenProvider = (scopes: string[], options: GetTokenOptions) => Promise<string | AccessToken> | string | AccessToken;

/** A request as the client hands it to a transport. */
export interface HttpRequest {
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE";
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
  /** Fires when the caller aborts or the call times out: stop the request. */
  abortSignal?: AbortSignal;
}

/** A response as a transport returns it. */
export interface HttpResponse {
  status: number;
  /** Lower-case names as a plain object, or anything with `get(name)` (such as fetch's `Headers`). */
  headers: Record<string, string | string[] | undefined> | { get(name: string): string | null };
  bodyAsText: string;
}

/**
 * Bring your own transport. Default: in Node, the package's own keep-alive HTTP/1.1 client
 * over `node:net` / `node:tls`; elsewhere, `fetch`.
 */
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
  /** How transient failures are retried. */
  retryOptions?: RetryOptions;
  /** `userAgentPrefix` (printable ASCII, at most 256) goes before `keyvault-keys-wasm/<version>` in the User-Agent. */
  userAgentOptions?: { userAgentPrefix?: string };
}

/**
 * 408, 429, 500, 502, 503, 504 and failures without a response that another try can mend
 * (the connection reset, refused or timed out) are retried with exponential backoff and
 * jitter, or after the delay the service asks for (`retry-after-ms`, `x-ms-retry-after-ms`,
 * `Retry-After`), each wait capped at `maxRetryDelayInMs`. Other statuses are not, nor are
 * failures another try cannot mend (a response head too large, a URL that cannot be sent, a
 * certificate refused).
 */
export interface RetryOptions {
  /** Default 8. */
  maxRetries?: number;
  /** The first backoff, doubled for each retry. Default 800. */
  retryDelayInMs?: number;
  /** No wait is longer, including one the service asks for. Default 60000. */
  maxRetryDelayInMs?: number;
  /** No retry is scheduled once this long has passed since the call began. Default 60000. */
  maxRetryElapsedTimeInMs?: number;
  /** Each try is abandoned (and retried) after this long. Default 30000. */
  tryTimeoutInMs?: number;
}

export interface KeyProperties {
  /** The full id: `https://{vault}/secrets/{name}/{version}`. */
  readonly id: string;
  readonly name: string;
  readonly vaultUrl: string;
  /** 32 hexadecimal characters; undefined for items of `listPropertiesOfKeys` (no version named). */
  readonly version?: string;
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

/** What every method accepts. */
export interface OperationOptions {
  /** Aborting rejects the call at once with `AbortError` and cancels its request. */
  abortSignal?: AbortSignal;
  /** Rejects the call with `AbortError` after this many milliseconds. */
  timeoutInMs?: number;
}

/** Properties `setKey` stores with the new version. Anything not given is not carried over. */
export interface SetKeyOptions extends OperationOptions {
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

export interface GetKeyOptions extends OperationOptions {
  /** A specific version; default the latest. */
  version?: string;
}

/** A soft-deleted key. The deletion fields are on the object and on `properties`. */
export interface DeletedKey {
  readonly name: string;
  readonly properties: KeyProperties & {
    readonly recoveryId?: string;
    readonly deletedOn?: Date;
    readonly scheduledPurgeDate?: Date;
  };
  /** `https://{vault}/deletedsecrets/{name}`; undefined in a vault without soft delete. */
  readonly recoveryId?: string;
  readonly deletedOn?: Date;
  /** When the service will purge it for good. */
  readonly scheduledPurgeDate?: Date;
}

export interface PageSettings {
  /** Where to continue: a page's `continuationToken` (the service's link to the next page). */
  continuationToken?: string;
  /** Items per page, 1-25 (the service's default and maximum is 25). */
  maxPageSize?: number;
}

/**
 * Items one by one with `for await`, or page by page with `byPage()`. Pages are requested
 * lazily, one request each; each page array carries the `continuationToken` of the next.
 */
export interface PagedAsyncIterableIterator<T> {
  next(): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<T>;
  byPage(settings?: PageSettings): AsyncIterableIterator<T[] & { readonly continuationToken?: string }>;
}

export interface PollOperationState<TResult> {
  readonly isStarted: boolean;
  readonly isCompleted: boolean;
  readonly isCancelled: boolean;
  readonly error?: Error;
  readonly result?: TResult;
}

/** A long-running operation, as @azure/core-lro's PollerLike. */
export interface PollerLike<TState extends PollOperationState<TResult>, TResult> {
  /** One request: starts the operation or checks on it. */
  poll(options?: OperationOptions): Promise<void>;
  /** Polls every `intervalInMs` until done; resolves to the result. */
  pollUntilDone(options?: OperationOptions): Promise<TResult>;
  /** Called with the state after each poll; returns the unsubscribe function. */
  onProgress(callback: (state: TState) => void): () => void;
  isDone(): boolean;
  /** Stops `pollUntilDone`, which then rejects with `PollerStoppedError`. */
  stopPolling(): void;
  isStopped(): boolean;
  /** Rejects: Key Vault cannot cancel a deletion or a recovery. */
  cancelOperation(options?: OperationOptions): Promise<void>;
  getOperationState(): TState;
  getResult(): TResult | undefined;
  /** The state, for `resumeFrom`. */
  toString(): string;
}

export interface KeyPollerOptions extends OperationOptions {
  /** Time between polls. Default 2000. */
  intervalInMs?: number;
  /** `poller.toString()` of an earlier poller for the same key: continue instead of starting over. */
  resumeFrom?: string;
}

export type DeleteKeyPoller = PollerLike<PollOperationState<DeletedKey>, DeletedKey>;
export type RecoverDeletedKeyPoller = PollerLike<PollOperationState<KeyProperties>, KeyProperties>;

export interface ListOptions extends OperationOptions {}

export interface NearExpiryOptions extends OperationOptions {
  /** ISO-8601 duration. Default `"P30D"`, the window of Key Vault's near-expiry event. */
  within?: string;
}

export interface RotateKeyOptions extends OperationOptions {
  /** The new version expires this long from now (ISO-8601, e.g. `"P90D"`). Default: no expiry. */
  expiresIn?: string;
}

/**
 * The WebAssembly module loads on first use: importing the package never fails, and a module
 * that cannot be loaded rejects the call that needed it, saying what failed and from where.
 * `ready()` loads it now; `ready(source)` loads it from `source` (a `WebAssembly.Module`, its
 * bytes, a URL or a `Response`), for runtimes and bundles where the `.wasm` beside the package
 * cannot be found. Resolves once loaded; a client constructed after that checks its arguments
 * in the constructor (before, the first call rejects with what is wrong).
 */
export declare function ready(source?: WebAssembly.Module | BufferSource | URL | string | Response): Promise<void>;

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

  /** Every key's latest version (no values). */
  listPropertiesOfKeys(options?: ListOptions): PagedAsyncIterableIterator<KeyProperties>;
  /** Every version of one key (no values). */
  listPropertiesOfKeyVersions(name: string, options?: ListOptions): PagedAsyncIterableIterator<KeyProperties>;
  /** Keys that are deleted but not yet purged. */
  listDeletedKeys(options?: ListOptions): PagedAsyncIterableIterator<DeletedKey>;
  /**
   * Latest versions whose `expiresOn` falls within `within` from now, or has passed: what Key
   * Vault's near-expiry and expired events would have signalled, for a scheduled rotation job.
   */
  listPropertiesOfKeysNearExpiry(options?: NearExpiryOptions): PagedAsyncIterableIterator<KeyProperties>;

  /**
   * Deletes a key (all versions). Resolves once the service accepted the deletion; the poller
   * finishes when the deleted key is visible (the service takes a few seconds).
   */
  beginDeleteKey(name: string, options?: KeyPollerOptions): Promise<DeleteKeyPoller>;
  /** Recovers a deleted key; the poller finishes when the key can be read again. */
  beginRecoverDeletedKey(name: string, options?: KeyPollerOptions): Promise<RecoverDeletedKeyPoller>;
  getDeletedKey(name: string, options?: OperationOptions): Promise<DeletedKey>;
  /** Deletes a deleted key for good. */
  purgeDeletedKey(name: string, options?: OperationOptions): Promise<void>;
  /** An opaque backup of every version of a key, for `restoreKeyBackup` (same vault or another in the same geography). */
  backupKey(name: string, options?: OperationOptions): Promise<Uint8Array>;
  /** Restores a backup; the name must not exist (live or deleted). */
  restoreKeyBackup(backup: Uint8Array, options?: OperationOptions): Promise<KeyProperties>;

  /**
   * Writes a new version with `newValue` (or `newValue(current)`), carrying the current
   * version's `contentType`, `tags` and `enabled` forward, which `setKey` alone would drop.
   */
  rotateKey(
    name: string,
    newValue: string | ((current: KeyVaultKey) => string | Promise<string>),
    options?: RotateKeyOptions,
  ): Promise<KeyVaultKey>;
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

/** The call's `abortSignal` fired or its `timeoutInMs` passed. */
export declare class AbortError extends Error {
  readonly name: "AbortError";
}

/** `pollUntilDone()` of a poller that was stopped with `stopPolling()`. */
export declare class PollerStoppedError extends Error {
  readonly name: "PollerStoppedError";
}
