import type { CellEvent } from "@/contracts/cell-events";

/** A small async queue: producers push, the generator consumer awaits. */
export class EventChannel implements AsyncIterable<CellEvent> {
  private buffer: CellEvent[] = [];
  private waiting: ((result: IteratorResult<CellEvent>) => void) | null = null;
  private closed = false;

  push(event: CellEvent) {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else {
      this.buffer.push(event);
    }
  }

  close() {
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<CellEvent> {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}
