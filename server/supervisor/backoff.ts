/** Restart delays: exponential, capped, and forgiven after a long healthy run. */
export type BackoffPolicy = {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A child that stayed up this long starts again from `initialMs`. */
  resetAfterMs: number;
};

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  resetAfterMs: 60_000,
};

/** Delay before restart number `attempt` (1 = the first restart). */
export function restartDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
}

/** The attempt counter after a child that ran for `uptimeMs` exited. */
export function nextAttempt(previousAttempt: number, uptimeMs: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return uptimeMs >= policy.resetAfterMs ? 1 : previousAttempt + 1;
}
