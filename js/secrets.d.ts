/**
 * keyvault-keys-wasm/secrets: a drop-in for `@azure/keyvault-secrets`. A program written for
 * the official package runs after changing only its import:
 *
 *     import { SecretClient } from "keyvault-keys-wasm/secrets";
 *
 * The names, parameters, options, result shapes, pollers, paged iterators and errors
 * (`RestError`, recognised by `isRestError` of `@azure/core-rest-pipeline`) are the official
 * ones; the differences are listed in the README ("Drop-in entries").
 */
import type { HttpClient, TokenCredential, TokenProvider } from "./index.js";

export type { AccessToken, GetTokenOptions, HttpClient, HttpRequest, HttpResponse, TokenCredential, TokenProvider } from "./index.js";

/** An abort signal: a DOM `AbortSignal`, or anything shaped like `@azure/abort-controller`'s. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: any;
  addEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
  removeEventListener(type: "abort", listener: (this: AbortSignalLike, ev: any) => any, options?: any): void;
}

/** What every method accepts, as `@azure-rest/core-client`'s `OperationOptions`. */
export interface OperationOptions {
  /** Aborting rejects the call at once with `AbortError` and cancels its request. */
  abortSignal?: AbortSignalLike;
  /** Rejects the call with `AbortError` after this many milliseconds (this package's addition). */
  timeoutInMs?: number;
  /** Accepted for compatibility; not used (per-try timeouts are `retryOptions.tryTimeoutInMs`). */
  requestOptions?: { timeout?: number; customHeaders?: Record<string, string> };
  /** Accepted for compatibility; this client does not trace. */
  tracingOptions?: { tracingContext?: unknown };
  /** Accepted for compatibility; not called. */
  onResponse?: (rawResponse: any, flatResponse: unknown, error?: unknown) => void;
}

/**
 * The client options. Those that only configure the official HTTP pipeline (policies, proxy,
 * TLS, telemetry, logging, keep-alive, redirects) are accepted and have no effect: this client
 * keeps its connections alive and never follows a redirect.
 */
export interface SecretClientOptions {
  /** REST api-version. Default `"2025-07-01"`. */
  serviceVersion?: "7.0" | "7.1" | "7.2" | "7.3" | "7.4" | "7.5" | "7.6" | "2025-07-01" | "2026-04-01" | (string & {});
  /** Skip the check that the authentication challenge's resource belongs to the vault's host. */
  disableChallengeResourceVerification?: boolean;
  /** Allow an `http://` vault URL (a local emulator). */
  allowInsecureConnection?: boolean;
  /** A transport: this package's `HttpClient`, or an `@azure/core-rest-pipeline` one. */
  httpClient?: HttpClient | { sendRequest(request: any): Promise<any> };
  /** As the root entry's `RetryOptions`: each try times out after `tryTimeoutInMs` (default 30000); no retry is scheduled after `maxRetryElapsedTimeInMs` (default 60000). */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number; maxRetryElapsedTimeInMs?: number; tryTimeoutInMs?: number };
  userAgentOptions?: { userAgentPrefix?: string };
  additionalPolicies?: unknown[];
  proxyOptions?: unknown;
  agent?: unknown;
  tlsOptions?: unknown;
  redirectOptions?: unknown;
  telemetryOptions?: unknown;
  loggingOptions?: unknown;
  keepAliveOptions?: unknown;
  clientRequestIdHeaderName?: string;
}

/** The service's recovery levels; any string the service sends. */
export type DeletionRecoveryLevel = string;
export declare enum KnownDeletionRecoveryLevel {
  Purgeable = "Purgeable",
  RecoverablePurgeable = "Recoverable+Purgeable",
  Recoverable = "Recoverable",
  RecoverableProtectedSubscription = "Recoverable+ProtectedSubscription",
  CustomizedRecoverablePurgeable = "CustomizedRecoverable+Purgeable",
  CustomizedRecoverable = "CustomizedRecoverable",
  CustomizedRecoverableProtectedSubscription = "CustomizedRecoverable+ProtectedSubscription",
}

export type ContentType = string;
export declare enum KnownContentType {
  PFX = "application/x-pkcs12",
  PEM = "application/x-pem-file",
}

export interface SecretProperties {
  vaultUrl: string;
  /** Undefined for items of `listPropertiesOfSecrets` (no version named). */
  version?: string;
  name: string;
  id?: string;
  contentType?: string;
  enabled?: boolean;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
  /** Undefined when the secret has no tags. */
  tags?: { [propertyName: string]: string };
  /** @deprecated the official package's: always undefined; see `certificateKeyId`. */
  readonly keyId?: never;
  /** The key of the certificate, when this secret backs one. */
  readonly certificateKeyId?: string;
  readonly managed?: boolean;
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
  readonly recoveryLevel?: DeletionRecoveryLevel;
  recoverableDays?: number;
  readonly previousVersion?: string;
}

export interface KeyVaultSecret {
  properties: SecretProperties;
  value?: string;
  name: string;
}

export interface DeletedSecret {
  properties: SecretProperties & { recoveryId?: string; scheduledPurgeDate?: Date; deletedOn?: Date };
  value?: string;
  name: string;
  recoveryId?: string;
  scheduledPurgeDate?: Date;
  deletedOn?: Date;
}

export interface SecretPollerOptions extends OperationOptions {
  /** Time between polls. Default 2000. */
  intervalInMs?: number;
  /** `poller.toString()` of an earlier poller for the same secret. */
  resumeFrom?: string;
}
export interface BeginDeleteSecretOptions extends SecretPollerOptions {}
export interface BeginRecoverDeletedSecretOptions extends SecretPollerOptions {}

export interface SetSecretOptions extends OperationOptions {
  tags?: { [propertyName: string]: string };
  contentType?: string;
  enabled?: boolean;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
}
export interface UpdateSecretPropertiesOptions extends OperationOptions {
  contentType?: string;
  enabled?: boolean;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
  tags?: { [propertyName: string]: string };
}
export interface GetSecretOptions extends OperationOptions {
  /** The version; `""` or undefined for the latest. */
  version?: string;
  /** Not supported: refused with a RangeError (the official package asks the service to convert a certificate's format). */
  outContentType?: ContentType;
}
export interface GetDeletedSecretOptions extends OperationOptions {}
export interface PurgeDeletedSecretOptions extends OperationOptions {}
export interface BackupSecretOptions extends OperationOptions {}
export interface RestoreSecretBackupOptions extends OperationOptions {}
export interface ListPropertiesOfSecretVersionsOptions extends OperationOptions {}
export interface ListPropertiesOfSecretsOptions extends OperationOptions {}
export interface ListDeletedSecretsOptions extends OperationOptions {}

export interface PageSettings {
  continuationToken?: string;
  /** Items per page, 1-25. */
  maxPageSize?: number;
}
/** Items with `for await`, or pages with `byPage()`; each page carries its `continuationToken`. */
export interface PagedAsyncIterableIterator<TElement, TPage = TElement[], TPageSettings = PageSettings> {
  next(): Promise<IteratorResult<TElement>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<TElement, TPage, TPageSettings>;
  byPage: (settings?: TPageSettings) => AsyncIterableIterator<TPage>;
}

export interface PollOperationState<TResult> {
  isStarted?: boolean;
  isCompleted?: boolean;
  isCancelled?: boolean;
  error?: Error;
  result?: TResult;
}
export type CancelOnProgress = () => void;
/** A long-running operation, as `@azure/core-lro`'s `PollerLike`. */
export interface PollerLike<TState extends PollOperationState<TResult>, TResult> {
  poll(options?: { abortSignal?: AbortSignalLike }): Promise<void>;
  pollUntilDone(pollOptions?: { abortSignal?: AbortSignalLike }): Promise<TResult>;
  onProgress(callback: (state: TState) => void): CancelOnProgress;
  isDone(): boolean;
  stopPolling(): void;
  isStopped(): boolean;
  /** Rejects: Key Vault cannot cancel a deletion or a recovery. */
  cancelOperation(options?: { abortSignal?: AbortSignalLike }): Promise<void>;
  getOperationState(): TState;
  getResult(): TResult | undefined;
  toString(): string;
}

export interface KeyVaultSecretIdentifier {
  sourceId: string;
  vaultUrl: string;
  version?: string;
  name: string;
}
/** `https://{vault}/secrets/{name}[/{version}]` in parts; throws an Error for anything else. */
export declare function parseKeyVaultSecretIdentifier(id: string): KeyVaultSecretIdentifier;

/**
 * The WebAssembly module loads on first use: importing the package never fails, and a module
 * that cannot be loaded rejects the call that needed it, saying what failed and from where.
 * `ready()` loads it now; `ready(source)` loads it from `source` (a `WebAssembly.Module`, its
 * bytes, a URL or a `Response`), for runtimes and bundles where the `.wasm` beside the package
 * cannot be found. Resolves once loaded; a client constructed after that checks its arguments
 * in the constructor (before, the first call rejects with what is wrong).
 */
export declare function ready(source?: WebAssembly.Module | BufferSource | URL | string | Response): Promise<void>;

export declare class SecretClient {
  /** The vault URL as given to the constructor. */
  readonly vaultUrl: string;
  /** @throws TypeError or RangeError for a bad argument (synchronously). */
  constructor(vaultUrl: string, credential: TokenCredential | TokenProvider, pipelineOptions?: SecretClientOptions);
  setSecret(secretName: string, value: string, options?: SetSecretOptions): Promise<KeyVaultSecret>;
  beginDeleteSecret(name: string, options?: BeginDeleteSecretOptions): Promise<PollerLike<PollOperationState<DeletedSecret>, DeletedSecret>>;
  updateSecretProperties(secretName: string, secretVersion: string, options?: UpdateSecretPropertiesOptions): Promise<SecretProperties>;
  getSecret(secretName: string, options?: GetSecretOptions): Promise<KeyVaultSecret>;
  getDeletedSecret(secretName: string, options?: GetDeletedSecretOptions): Promise<DeletedSecret>;
  purgeDeletedSecret(secretName: string, options?: PurgeDeletedSecretOptions): Promise<void>;
  beginRecoverDeletedSecret(
    name: string,
    options?: BeginRecoverDeletedSecretOptions,
  ): Promise<PollerLike<PollOperationState<SecretProperties>, SecretProperties>>;
  backupSecret(secretName: string, options?: BackupSecretOptions): Promise<Uint8Array | undefined>;
  restoreSecretBackup(secretBundleBackup: Uint8Array, options?: RestoreSecretBackupOptions): Promise<SecretProperties>;
  listPropertiesOfSecretVersions(secretName: string, options?: ListPropertiesOfSecretVersionsOptions): PagedAsyncIterableIterator<SecretProperties>;
  listPropertiesOfSecrets(options?: ListPropertiesOfSecretsOptions): PagedAsyncIterableIterator<SecretProperties>;
  listDeletedSecrets(options?: ListDeletedSecretsOptions): PagedAsyncIterableIterator<DeletedSecret>;
}

/** A request as a `RestError` carries it (without its `authorization` header). */
export interface RestErrorRequest {
  url: string;
  method: string;
  headers: { get(name: string): string | undefined; has(name: string): boolean; toJSON(): Record<string, string> };
  body?: string;
}
/** A response as a `RestError` carries it. */
export interface RestErrorResponse {
  status: number;
  headers: { get(name: string): string | undefined; has(name: string): boolean; toJSON(): Record<string, string> };
  bodyAsText?: string;
  request: RestErrorRequest;
}

/**
 * The service answered with an error (`statusCode`, `code` as the service sent it), no response
 * arrived (`code` `"REQUEST_SEND_ERROR"`), or the answer could not be read (`"PARSE_ERROR"`).
 */
export declare class RestError extends Error {
  static readonly REQUEST_SEND_ERROR: string;
  static readonly PARSE_ERROR: string;
  code?: string;
  statusCode?: number;
  request?: RestErrorRequest;
  response?: RestErrorResponse;
  constructor(message: string, options?: { code?: string; statusCode?: number; request?: RestErrorRequest; response?: RestErrorResponse });
}
/** Whether `e` is a RestError (this package's or `@azure/core-rest-pipeline`'s). */
export declare function isRestError(e: unknown): e is RestError;

/** `@azure/logger`'s `Debugger` shape. */
export interface Debugger {
  (...args: any[]): void;
  enabled: boolean;
  destroy: () => boolean;
  log: (...args: any[]) => void;
  namespace: string;
  extend: (namespace: string) => Debugger;
}
/** `@azure/logger`'s `AzureLogger` shape; this client logs nothing. */
export interface AzureLogger {
  error: Debugger;
  warning: Debugger;
  info: Debugger;
  verbose: Debugger;
}
export declare const logger: AzureLogger;
