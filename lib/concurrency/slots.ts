/** Resolves, when it is the caller's turn, with what gives the turn back. */
export type Admission = () => Promise<() => void>;

/**
 * At most `size` holders at once; the others wait in arrival order. `acquire` resolves with the
 * release of the slot it got (calling it twice releases once).
 */
export class Slots {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots must be a whole number of at least 1, not ${size}`);
  }

  /** Holders now, and how many wait behind them. */
  get state(): { held: number; waiting: number } {
    return { held: this.held, waiting: this.waiting.length };
  }

  async acquire(): Promise<() => void> {
    if (this.held < this.size) this.held++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line; only when nobody waits is it freed.
      if (next) next();
      else this.held--;
    };
  }
}
