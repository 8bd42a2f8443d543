import { AppError } from "../errors/app-error";
import type { ActionLedger } from "../store/action-ledger";

/**
 * Limits failed attempts per key (wrong class codes or passwords, keyed per
 * client), so a whole class joining from one address is never slowed down,
 * while guessing is. A client's failures never count against another key.
 *
 * `attempt` checks the count, runs the (synchronous) test and records a
 * failure without yielding to the event loop, so a burst of concurrent
 * requests cannot all slip past the count before the first failure is
 * recorded. Only keys with recent failures are kept, and at most `maxKeys`.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  /** Throws `rate_limited` (429) when `key` has `maxFailures` failures in the window. */
  assertAllowed(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= this.maxFailures) {
      const waitSeconds = Math.max(1, Math.ceil((this.windowMs - (this.now() - recent[0])) / 1000));
      throw tooManyWrongAttempts(waitSeconds);
    }
  }

  /**
   * Refuses a key over the limit (429), else runs `test`: false records a
   * failure for this key only. Returns what `test` returned.
   */
  attempt(key: string, test: () => boolean): boolean {
    this.assertAllowed(key);
    const ok = test();
    if (!ok) this.fail(key);
    return ok;
  }

  /** Records one failure for `key`. */
  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key); // re-inserted last: the map stays ordered by latest failure
    this.failures.set(key, recent);
    if (this.failures.size > this.maxKeys) this.sweep();
  }

  /** How many keys have failures kept (for tests). */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const kept = this.failures.get(key);
    if (!kept) return [];
    const recent = kept.filter((at) => this.now() - at < this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else if (recent.length !== kept.length) this.failures.set(key, recent);
    return recent;
  }

  /** Forgets keys whose failures are all out of the window; then, if still too many, the least recent. */
  private sweep(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}

function tooManyWrongAttempts(waitSeconds: number): AppError {
  return new AppError("rate_limited", `Too many wrong attempts from here; wait ${waitSeconds} s before trying again.`, { retryAfterSeconds: waitSeconds });
}

/**
 * A `FailureLimiter` whose failures also go to a shared `ActionLedger` (the store), so that
 * several course instances together allow `maxFailures` per key, not that many each. The
 * local count stays synchronous, so a burst at one instance cannot slip past it; across
 * instances, a burst can pass by at most what arrives during one round trip to the store.
 */
export class SharedFailureLimiter {
  private readonly local: FailureLimiter;

  constructor(
    private readonly what: string,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.local = new FailureLimiter(maxFailures, windowMs, now);
  }

  /** Throws `rate_limited` (429) when `key` has `maxFailures` failures in the window, here or in `ledger`. */
  async assertAllowed(key: string, ledger: ActionLedger): Promise<void> {
    this.local.assertAllowed(key);
    const now = this.now();
    const recent = await ledger.since(this.what, key, now - this.windowMs + 1);
    if (recent.length >= this.maxFailures) throw tooManyWrongAttempts(Math.max(1, Math.ceil((this.windowMs - (now - recent[0])) / 1000)));
  }

  /** As `FailureLimiter.attempt`, and a failure is recorded in `ledger` too. */
  async attempt(key: string, test: () => boolean, ledger: ActionLedger): Promise<boolean> {
    const ok = this.local.attempt(key, test);
    if (!ok) {
      const now = this.now();
      await ledger.record(this.what, key, now, now - this.windowMs);
    }
    return ok;
  }
}
