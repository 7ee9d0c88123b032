import { AbortError } from "./errors.mjs";

/** The per-call options every method takes: `abortSignal` and `timeoutInMs`. */
function callOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new TypeError(`options must be an object, not ${typeof options}`);
  const { abortSignal, timeoutInMs } = options;
  if (abortSignal !== undefined && abortSignal !== null) {
    if (typeof abortSignal !== "object" || typeof abortSignal.addEventListener !== "function" || !("aborted" in abortSignal)) {
      throw new TypeError("options.abortSignal must be an AbortSignal");
    }
  }
  if (timeoutInMs !== undefined && timeoutInMs !== null) {
    if (typeof timeoutInMs !== "number") throw new TypeError("options.timeoutInMs must be a number");
    if (!(timeoutInMs > 0 && timeoutInMs <= 2 ** 31 - 1)) throw new RangeError("options.timeoutInMs must be a positive number of milliseconds");
  }
  return { abortSignal: abortSignal ?? undefined, timeoutInMs: timeoutInMs ?? undefined };
}

const asAbortError = (reason) => (reason instanceof AbortError ? reason : new AbortError());

/**
 * Runs `fn(signal)` so that the caller's abortSignal and timeoutInMs end it promptly: the
 * returned Promise rejects with AbortError at once, and `signal` (passed on to the transport
 * and to timers) cancels the work underneath.
 */
export async function withSignal(options, fn) {
  const { abortSignal, timeoutInMs } = callOptions(options);
  if (!abortSignal && timeoutInMs === undefined) return fn(undefined);
  if (abortSignal?.aborted) throw asAbortError(abortSignal.reason);
  const controller = new AbortController();
  const onAbort = () => controller.abort(abortSignal.reason);
  abortSignal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutInMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new AbortError(`The operation timed out after ${timeoutInMs} ms.`)), timeoutInMs);
  let onCallAbort;
  const aborted = new Promise((_, reject) => {
    onCallAbort = () => reject(asAbortError(controller.signal.reason));
    controller.signal.addEventListener("abort", onCallAbort, { once: true });
  });
  try {
    return await Promise.race([fn(controller.signal), aborted]);
  } finally {
    // Nothing stays behind on either signal, whichever way the call ended.
    clearTimeout(timer);
    abortSignal?.removeEventListener("abort", onAbort);
    controller.signal.removeEventListener("abort", onCallAbort);
  }
}

/** Waits `ms`, or rejects with AbortError as soon as `signal` fires. */
export function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(asAbortError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(asAbortError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A signal that fires when any of `signals` (undefined ones skipped) does. */
export function anySignal(signals) {
  const present = signals.filter(Boolean);
  if (present.length === 1) return present[0];
  if (AbortSignal.any) return AbortSignal.any(present);
  // Engines without AbortSignal.any.
  const controller = new AbortController();
  for (const s of present) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}
