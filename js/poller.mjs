import { anySignal, delay, withSignal } from "./abort.mjs";
import { PollerStoppedError } from "./errors.mjs";

/**
 * A long-running operation on one key (delete or recover), with the PollerLike surface of
 * @azure/core-lro 2.x that @azure/keyvault-secrets returns.
 *
 * `operation` supplies: start(signal) -> result, check(signal, result so far) -> the final
 * result, or undefined while not finished (the service still answers 404 while it catches up),
 * and optionally finishedAtStart(result).
 */
export class KeyPoller {
  #operation;
  #intervalInMs;
  #state;
  #stopped = false;
  #listeners = new Set();
  #stop = new AbortController();
  #done;

  constructor(kind, name, operation, { intervalInMs = 2000, resumeFrom } = {}) {
    if (typeof intervalInMs !== "number" || !(intervalInMs >= 0)) throw new RangeError("intervalInMs must be a number of milliseconds");
    this.#operation = operation;
    this.#intervalInMs = intervalInMs;
    this.#state = { kind, name, isStarted: false, isCompleted: false, isCancelled: false };
    if (resumeFrom !== undefined) {
      let saved;
      try {
        saved = JSON.parse(resumeFrom).state;
      } catch {
        throw new TypeError("resumeFrom must be a string from poller.toString()");
      }
      if (saved?.kind !== kind || saved?.name !== name) {
        throw new RangeError(`resumeFrom is the state of another operation (${saved?.kind} ${saved?.name})`);
      }
      this.#state = { ...this.#state, ...saved };
    }
  }

  /** One step: starts the operation, or checks whether it has finished. */
  async poll(options = {}) {
    if (this.#state.isCompleted) return;
    try {
      await withSignal(options, async (signal) => {
        if (!this.#state.isStarted) {
          this.#state.result = await this.#operation.start(signal);
          this.#state.isStarted = true;
          if (this.#operation.finishedAtStart?.(this.#state.result)) this.#state.isCompleted = true;
        } else {
          const result = await this.#operation.check(signal, this.#state.result);
          if (result !== undefined) {
            this.#state.result = result;
            this.#state.isCompleted = true;
          }
        }
      });
    } catch (error) {
      if (error?.name !== "AbortError") {
        this.#state.error = error;
        this.#state.isCompleted = true;
      }
      throw error;
    }
    for (const listener of this.#listeners) listener(this.getOperationState());
  }

  /** Polls every `intervalInMs` until the operation has finished; resolves to its result. */
  pollUntilDone(options = {}) {
    if (this.#done) return this.#done;
    this.#stopped = false;
    this.#stop = new AbortController();
    this.#done = (async () => {
      try {
        await withSignal(options, async (signal) => {
          const both = anySignal([signal, this.#stop.signal]);
          while (!this.#state.isCompleted) {
            await delay(this.#intervalInMs, both);
            await this.poll({ abortSignal: both });
          }
        });
      } catch (error) {
        if (this.#stopped) throw new PollerStoppedError();
        throw error;
      } finally {
        this.#done = undefined;
      }
      if (this.#state.error) throw this.#state.error;
      return this.#state.result;
    })();
    return this.#done;
  }

  /** Subscribes to the state after each poll; returns the unsubscribe function. */
  onProgress(callback) {
    this.#listeners.add(callback);
    return () => this.#listeners.delete(callback);
  }

  isDone() {
    return this.#state.isCompleted;
  }

  stopPolling() {
    this.#stopped = true;
    this.#stop.abort();
  }

  isStopped() {
    return this.#stopped;
  }

  /** Key Vault cannot cancel a deletion or a recovery: rejects, as the official pollers do. */
  async cancelOperation() {
    const what = this.#state.kind === "delete" ? "the deletion" : "the recovery";
    throw new Error(`Canceling ${what} is not supported.`);
  }

  getOperationState() {
    return { ...this.#state };
  }

  getResult() {
    return this.#state.result;
  }

  /** The state as a string for `resumeFrom`. */
  toString() {
    const { error, ...state } = this.#state;
    return JSON.stringify({ state });
  }
}
