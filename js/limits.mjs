/**
 * Response bodies larger than this are refused: every transport stops reading at this size and
 * drops the connection (a vault never sends them).
 */
export const MAX_RESPONSE_BYTES = 16 << 20;
/**
 * A response header the core reads (the challenge, the retry delays) longer than this is
 * refused before it reaches the wasm memory: the 16 KiB node:http allows a whole head.
 */
export const MAX_HEADER_CHARS = 16 << 10;
/**
 * Each try is abandoned (and retried, within the retry budget) after this long, unless
 * `retryOptions.tryTimeoutInMs` says otherwise. Key Vault answers in milliseconds and its
 * slowest operations (HSM key creation) in seconds: a try still unanswered after 30 s is a
 * connection that went silent, and a second try on a fresh one still fits the default 60 s
 * retry budget.
 */
export const DEFAULT_TRY_TIMEOUT_MS = 30_000;
