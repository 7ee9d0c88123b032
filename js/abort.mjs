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

/**
 * Milliseconds on a monotonic clock: `process.hrtime` where there is one (in Node the
 * `performance` global loads perf_hooks on first use, ~3 ms of a cold start's CPU), else
 * `performance.now()`.
 */
const monotonicMs =
  typeof process === "object" && typeof process?.hrtime === "function"
    ? () => {
        const [s, ns] = process.hrtime();
        return s * 1e3 + ns / 1e6;
      }
    : () => performance.now();

/**
 * Marks a transport whose `sendRequest` takes a try's own signal (`Try` below) as
 * `request.abortSignal`: it uses only `aborted`, `reason`, and one listener added with
 * `addEventListener("abort", listener)` and removed with `removeEventListener`. Any other
 * transport (fetch, a user's httpClient) gets a real AbortSignal.
 */
export const TAKES_TRY_SIGNAL = Symbol("keyvault-keys-wasm.takesTrySignal");

/**
 * The per-try timeouts of one pipeline, on one timer. A setTimeout, an AbortController (an
 * EventTarget) and the transport's abort listener on it for every try cost 30-45 µs of client
 * CPU per request in Node, a quarter of a getSecret's; here a try is one small object. Every
 * try of a pipeline has the same timeout, so tries expire in the order they start: they wait
 * in a list in that order, the timer is armed for the first, and a try that ends leaves the
 * list at once. The timer is armed lazily: when it fires early (the try it was armed for has
 * ended) it is armed again for the first try still waiting, and it is cleared when none waits,
 * so it never keeps a process alive on its own.
 */
export class TryTimer {
  #ms;
  #timeout;
  #first = null;
  #last = null;
  #timer = undefined;
  /** When the timer fires (monotonicMs time): by the timers' own clock, this has passed. */
  #firesAt = 0;
  #onTimer = () => this.#expire();

  /** `timeout(ms)` makes the error a try that outlasts `ms` is aborted with. */
  constructor(ms, timeout) {
    this.#ms = ms;
    this.#timeout = timeout;
  }

  /**
   * A new try, aborted when `call` (the call's signal, or undefined) fires or when the timeout
   * passes; `real`: its `signal` is a real AbortSignal (else the try is its own signal).
   */
  start(call, real) {
    const t = new Try(this, monotonicMs() + this.#ms, call, real);
    t.waiting = true;
    if (this.#last === null) this.#first = t;
    else this.#last.next = t;
    t.prev = this.#last;
    this.#last = t;
    if (this.#timer === undefined) this.#arm(t.deadline, this.#ms);
    return t;
  }

  /** Takes an ended (or expired) try out of the list. */
  remove(t) {
    if (t.prev === null) this.#first = t.next;
    else t.prev.next = t.next;
    if (t.next === null) this.#last = t.prev;
    else t.next.prev = t.prev;
    t.prev = t.next = null;
    t.waiting = false;
    if (this.#first === null && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(at, ms) {
    this.#firesAt = at;
    this.#timer = setTimeout(this.#onTimer, ms);
  }

  #expire() {
    this.#timer = undefined;
    // The timers' clock is the one that counts (a test may mock it): what the timer was armed
    // for is due, whatever monotonicMs() says.
    const now = Math.max(monotonicMs(), this.#firesAt);
    const due = [];
    // Due within the timers' 1 ms resolution (their clock and monotonicMs differ by less).
    for (let t = this.#first; t !== null && t.deadline - now < 1; t = this.#first) {
      this.remove(t);
      due.push(t);
    }
    // Armed again before any abort runs a listener.
    if (this.#first !== null) {
      const ms = Math.ceil(this.#first.deadline - now);
      this.#arm(now + ms, ms);
    }
    for (const t of due) t.expire(this.#timeout(this.#ms));
  }
}

/**
 * One try: aborted by its call's signal or by its timeout (`timedOut` says which). Its
 * `signal` is what the transport is given: the try itself (the AbortSignal subset
 * TAKES_TRY_SIGNAL names, no EventTarget) or, for other transports, a real AbortSignal.
 */
class Try {
  constructor(tries, deadline, call, real) {
    this.tries = tries;
    this.deadline = deadline;
    this.prev = null;
    this.next = null;
    /** In the timer's list (until it ends or expires). */
    this.waiting = false;
    this.call = call;
    this.aborted = false;
    this.reason = undefined;
    this.timedOut = false;
    this.listener = null;
    this.controller = real ? new AbortController() : null;
    this.signal = real ? this.controller.signal : this;
    if (call !== undefined) {
      // The try listens to the call's signal itself (handleEvent): no closure per try.
      if (call.aborted) this.abort(call.reason);
      else call.addEventListener("abort", this, { once: true });
    }
  }

  /** The call's signal fired. */
  handleEvent() {
    this.abort(this.call.reason);
  }

  /** The timeout passed (a try its call's signal aborted first stays aborted by that). */
  expire(reason) {
    if (this.aborted) return;
    this.timedOut = true;
    this.abort(reason);
  }

  abort(reason) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    if (this.controller !== null) return void this.controller.abort(reason);
    const listener = this.listener;
    this.listener = null;
    if (listener === null) return;
    const event = { type: "abort", target: this };
    if (typeof listener === "function") listener.call(this, event);
    else listener.handleEvent(event);
  }

  /** The one listener of the transport (TAKES_TRY_SIGNAL); called once, as with `{ once: true }`. */
  addEventListener(type, listener) {
    if (type === "abort") this.listener = listener;
  }

  removeEventListener(type, listener) {
    if (type === "abort" && this.listener === listener) this.listener = null;
  }

  /** The try is over: off the timer's list, and the call's signal keeps no listener. */
  done() {
    if (this.waiting) this.tries.remove(this);
    this.listener = null;
    this.call?.removeEventListener("abort", this);
  }
}
