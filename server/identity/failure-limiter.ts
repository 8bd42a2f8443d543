import { AppError } from "../errors/app-error";
import type { ActionLedger } from "../store/action-ledger";

/**
 * Limits failed attempts per key (wrong class codes or passwords, keyed per
 * client), so a whole class joining from one address is never slowed down,
 * while guessing is. A client's failures never count against another key.
 *
 * `attempt` counts a test still running (a password being hashed) as a
 * failure until it answers, so a burst of concurrent requests cannot all
 * slip past the count before the first failure is recorded. Only keys with
 * recent failures are kept, and at most `maxKeys`.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  /** Tests still running per key: each holds a place in the count until it answers. */
  private readonly running = new Map<string, number>();

  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly refusal: (waitSeconds: number) => AppError;

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    options: LimiterOptions & { maxKeys?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 50_000;
    this.refusal = options.words ? refusalFrom(options.words) : tooManyWrongAttempts;
  }

  /** Throws `rate_limited` (429) when `key` has `maxFailures` failures in the window. */
  assertAllowed(key: string): void {
    const recent = this.recent(key);
    const running = this.running.get(key) ?? 0;
    if (recent.length + running >= this.maxFailures) {
      // With every failure still running, the first to answer frees a place within a second or so.
      const waitSeconds = recent.length === 0 ? 1 : Math.max(1, Math.ceil((this.windowMs - (this.now() - recent[0])) / 1000));
      throw this.refusal(waitSeconds);
    }
  }

  /**
   * Refuses a key over the limit (429), else runs `test`: false records a
   * failure for this key only. Returns what `test` answered.
   */
  async attempt(key: string, test: () => boolean | Promise<boolean>): Promise<boolean> {
    this.assertAllowed(key);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let ok = false;
    try {
      ok = await test();
    } finally {
      const left = this.running.get(key)! - 1;
      if (left === 0) this.running.delete(key);
      else this.running.set(key, left);
      if (!ok) this.fail(key);
    }
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

/** The refusal's words, given how long to wait; its `retryAfterSeconds` comes with it. */
export type RefusalWords = (waitSeconds: number) => string;

export type LimiterOptions = { now?: () => number; words?: RefusalWords };

function tooManyWrongAttempts(waitSeconds: number): AppError {
  return refusalFrom((wait) => `Too many wrong attempts from here; wait ${wait} s before trying again.`)(waitSeconds);
}

function refusalFrom(words: RefusalWords): (waitSeconds: number) => AppError {
  return (waitSeconds) => new AppError("rate_limited", words(waitSeconds), { retryAfterSeconds: waitSeconds });
}

/**
 * A `FailureLimiter` whose failures also go to a shared `ActionLedger` (the store), so that
 * several course instances together allow `maxFailures` per key, not that many each. The
 * local count holds a place for every test still running, so a burst at one instance cannot
 * slip past it; across instances, a burst can pass by at most what arrives during one round
 * trip to the store.
 */
export class SharedFailureLimiter {
  private readonly local: FailureLimiter;
  private readonly refusal: (waitSeconds: number) => AppError;
  private readonly now: () => number;

  constructor(
    private readonly what: string,
    readonly maxFailures: number,
    readonly windowMs: number,
    options: LimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refusal = options.words ? refusalFrom(options.words) : tooManyWrongAttempts;
    this.local = new FailureLimiter(maxFailures, windowMs, options);
  }

  /** Throws `rate_limited` (429) when `key` has `maxFailures` failures in the window, here or in `ledger`. */
  async assertAllowed(key: string, ledger: ActionLedger): Promise<void> {
    this.local.assertAllowed(key);
    const now = this.now();
    const recent = await ledger.since(this.what, key, now - this.windowMs + 1);
    if (recent.count >= this.maxFailures) throw this.refusal(Math.max(1, Math.ceil((this.windowMs - (now - recent.oldestMs!)) / 1000)));
  }

  /** As `FailureLimiter.attempt`, and a failure is recorded in `ledger` too. */
  async attempt(key: string, test: () => boolean | Promise<boolean>, ledger: ActionLedger): Promise<boolean> {
    const ok = await this.local.attempt(key, test);
    if (!ok) {
      const now = this.now();
      await ledger.record(this.what, key, now, now - this.windowMs);
    }
    return ok;
  }
}
