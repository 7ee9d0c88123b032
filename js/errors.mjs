/**
 * The error classes of the root entry (the drop-in entries throw RestError, js/rest-error.mjs).
 * One module, shared by every way the package is loaded, so `instanceof` works for callers.
 */

/** The service answered with an error, or could not be reached, or answered unreadably. */
export class KeyVaultError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = "KeyVaultError";
    /** HTTP status; undefined when no response arrived. */
    this.statusCode = details.statusCode;
    /** The service's error code as sent (e.g. "SecretNotFound"), or REQUEST_SEND_ERROR / PARSE_ERROR. */
    this.code = details.code;
    /** The service's x-ms-request-id, for support requests. */
    this.requestId = details.requestId;
  }
}

/** A token could not be obtained or applied: the credential failed, or the challenge was refused. */
export class AuthenticationError extends Error {
  constructor(message, details = {}) {
    super(message, "cause" in details ? { cause: details.cause } : undefined);
    this.name = "AuthenticationError";
  }
}

/** The caller's abortSignal fired, or the call's timeoutInMs passed. */
export class AbortError extends Error {
  constructor(message = "The operation was aborted.") {
    super(message);
    this.name = "AbortError";
  }
}

/** pollUntilDone() on a poller whose stopPolling() was called. */
export class PollerStoppedError extends Error {
  constructor(message = "The poller was stopped.") {
    super(message);
    this.name = "PollerStoppedError";
  }
}
