import { AppError } from "../errors/app-error";

/**
 * Per-learner limits on a costly action: one in flight, and a few per window.
 * In memory: a course server is one process (several instances would share
 * this through the database instead).
 */
export class RateLimiter {
  private readonly inFlight = new Set<string>();
  private readonly history = new Map<string, number[]>();

  constructor(
    private readonly what: string,
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(key: string, action: () => Promise<T>): Promise<T> {
    if (this.inFlight.has(key)) {
      throw new AppError("rate_limited", `A ${this.what} is already running for you; wait for its result.`);
    }
    const recent = (this.history.get(key) ?? []).filter((at) => this.now() - at < this.windowMs);
    if (recent.length >= this.maxPerWindow) {
      const waitSeconds = Math.ceil((this.windowMs - (this.now() - recent[0])) / 1000);
      throw new AppError("rate_limited", `That is ${this.maxPerWindow} ${this.what}s in the last minute; try again in ${waitSeconds} s.`, {
        retryAfterSeconds: waitSeconds,
      });
    }
    recent.push(this.now());
    this.history.set(key, recent);
    this.inFlight.add(key);
    try {
      return await action();
    } finally {
      this.inFlight.delete(key);
    }
  }
}
