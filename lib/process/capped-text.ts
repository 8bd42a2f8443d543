/** At most `maxChars` of a process's output: the first ones (`head`: an answer) or the last ones (`tail`: a log). */
export type OutputCap = { maxChars: number; keep: "head" | "tail" };

/** Text collected up to a cap; `truncated` once anything was dropped. */
export class CappedText {
  private value = "";
  private dropped = false;

  constructor(private readonly cap: OutputCap) {}

  /** Adds `chunk`; false once the head-kept text is full (what comes after is dropped). */
  append(chunk: string): boolean {
    const { maxChars, keep } = this.cap;
    if (keep === "head") {
      if (this.dropped) return false;
      this.value += chunk;
      if (this.value.length <= maxChars) return true;
      this.value = this.value.slice(0, maxChars);
      this.dropped = true;
      return false;
    }
    this.value += chunk;
    if (this.value.length > maxChars) {
      this.value = this.value.slice(this.value.length - maxChars);
      this.dropped = true;
    }
    return true;
  }

  get text(): string {
    return this.value;
  }

  get truncated(): boolean {
    return this.dropped;
  }
}
