/**
 * At most `limit` holders at once; the others wait, served in turn by key (round robin between
 * keys, first come first served within one). The gate uses one, keyed by learner, for learner
 * code's MLflow traffic: MLflow's queue then stays short, so the course's own requests to it (a
 * Check, the dashboard) are not stuck behind a class's uploads, and one learner's burst of
 * requests does not hold back the others'.
 */
export class FairQueue {
  private active = 0;
  /** Waiting turns, per key, in the order the keys first waited. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`a queue needs a limit of at least 1 (got ${limit})`);
  }

  /** Resolves with a release function once it is `key`'s turn; rejects if `signal` aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit && this.waiting.size === 0) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(this.grant());
      };
      const onAbort = () => {
        const turns = this.waiting.get(key);
        const at = turns?.indexOf(turn) ?? -1;
        if (turns && at >= 0) {
          turns.splice(at, 1);
          if (turns.length === 0) this.waiting.delete(key);
        }
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const turns = this.waiting.get(key);
      if (turns) turns.push(turn);
      else this.waiting.set(key, [turn]);
    });
  }

  /** How many hold a turn, and how many wait. */
  get size(): { active: number; waiting: number } {
    let waiting = 0;
    for (const turns of this.waiting.values()) waiting += turns.length;
    return { active: this.active, waiting };
  }

  private grant(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.next();
    };
  }

  private next(): void {
    while (this.active < this.limit && this.waiting.size > 0) {
      // The key that has waited longest goes first, then goes to the back if it has more.
      const [key, turns] = this.waiting.entries().next().value as [string, Array<() => void>];
      const turn = turns.shift()!;
      this.waiting.delete(key);
      if (turns.length > 0) this.waiting.set(key, turns);
      turn();
    }
  }
}
