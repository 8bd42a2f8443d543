import { systemClock, type Clock } from "./clock";

export type WaitOptions = {
  /** How long to keep asking; measured from the call. */
  timeoutMs: number;
  /** Pause between two answers of "not yet" (default 250 ms). */
  intervalMs?: number;
  /** Stops the wait at once (rejecting with the signal's reason): the process being waited for ended, or nobody waits any more. */
  signal?: AbortSignal;
  clock?: Clock;
  /** What is awaited, for the timeout's message: "MLflow" gives "MLflow was not ready within 30 s". */
  what?: string;
  /** Appended to the timeout's message (e.g. the tail of a log). */
  details?: () => string;
  /** A probe that throws: "not yet" (default: a server still starting refuses connections), or the wait's failure. */
  probeErrors?: "retry" | "fail";
};

/** The time ran out before the probe answered yes. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
}

/**
 * Polls until ready: calls `probe` until it answers something truthy and resolves with that answer.
 * A probe that throws or rejects has answered "not yet", unless `probeErrors` is "fail".
 * Rejects with WaitTimeoutError once `timeoutMs` has passed after an answer of "not yet", and with
 * `signal.reason` as soon as `signal` aborts, even while a probe is still running; an answer that
 * arrives after the abort does not count.
 */
export async function waitUntil<T>(probe: () => T | Promise<T>, options: WaitOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 250;
  const deadline = clock.now() + options.timeoutMs;
  const { signal } = options;
  for (;;) {
    throwIfAborted(signal);
    const asked = Promise.resolve().then(probe);
    const answer = await abortable(options.probeErrors === "fail" ? asked : asked.catch(() => undefined), signal);
    throwIfAborted(signal);
    if (answer) return answer as T;
    if (clock.now() > deadline) {
      const what = options.what ?? "the condition";
      const details = options.details?.();
      throw new WaitTimeoutError(`${what} was not ready within ${formatSeconds(options.timeoutMs)}${details ? `:\n${details}` : ""}`);
    }
    await clock.sleep(interval, signal);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error("the wait was aborted");
}

/** `promise`, or undefined as soon as `signal` aborts (the caller then throws its reason). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) resolve(undefined);
        else reject(error);
      },
    );
  });
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * The same wait, for callers that look at the state themselves afterwards (a test's expectation
 * says what was seen): true when the probe answered yes, false when the time ran out.
 */
export async function waitAtMost(probe: () => unknown, options: WaitOptions): Promise<boolean> {
  try {
    await waitUntil(probe, options);
    return true;
  } catch (error) {
    if (error instanceof WaitTimeoutError) return false;
    throw error;
  }
}
