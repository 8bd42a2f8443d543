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

/**
 * Limits failed attempts per key (wrong class codes or passwords), so a whole
 * class joining from one address is never slowed down, while guessing is.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(key: string, attempt: () => Promise<T>): Promise<T> {
    const recent = (this.failures.get(key) ?? []).filter((at) => this.now() - at < this.windowMs);
    this.failures.set(key, recent);
    if (recent.length >= this.maxFailures) {
      const waitSeconds = Math.ceil((this.windowMs - (this.now() - recent[0])) / 1000);
      throw new AppError("rate_limited", `Too many wrong attempts from here; wait ${waitSeconds} s before trying again.`, { retryAfterSeconds: waitSeconds });
    }
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof AppError && error.code === "forbidden") recent.push(this.now());
      throw error;
    }
  }
}
