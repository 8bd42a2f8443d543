import { AppError } from "../errors/app-error";
import { memoryActionLedger, type ActionLedger } from "../store/action-ledger";

/** How long a claim on an action holds if its instance dies before releasing it. */
const LONGEST_ACTION_MS = 10 * 60_000;

/**
 * Per-learner limits on a costly action: one in flight, and a few per window. The
 * counts live in an `ActionLedger`: the progress store's, shared by every course
 * instance, or one in memory.
 */
export class RateLimiter {
  constructor(
    private readonly what: string,
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly ledger: ActionLedger = memoryActionLedger(),
  ) {}

  async run<T>(key: string, action: () => Promise<T>): Promise<T> {
    const now = this.now();
    if (!(await this.ledger.claim(this.what, key, now + LONGEST_ACTION_MS, now))) {
      throw new AppError("rate_limited", `A ${this.what} is already running for you; wait for its result.`);
    }
    try {
      const recent = await this.ledger.since(this.what, key, now - this.windowMs + 1);
      if (recent.count >= this.maxPerWindow) {
        const waitSeconds = Math.ceil((this.windowMs - (now - recent.oldestMs!)) / 1000);
        throw new AppError("rate_limited", `That is ${this.maxPerWindow} ${this.what}s in the last minute; try again in ${waitSeconds} s.`, {
          retryAfterSeconds: waitSeconds,
        });
      }
      await this.ledger.record(this.what, key, now, now - this.windowMs);
      return await action();
    } finally {
      await this.ledger.release(this.what, key);
    }
  }
}
