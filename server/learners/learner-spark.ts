import { AppError } from "../errors/app-error";
import type { SparkLease, SparkSlots, SparkWait } from "../spark/spark-slots";

/** How long a session asked to give its slot back may take before the course takes it. */
const STOP_GRACE_MS = 60_000;

/** What the learner reads while their Spark waits: in their cell's output, or in the Check panel. */
export function waitingWords(wait: SparkWait, waiting: "cell" | "check" = "cell"): string {
  const who = wait.ahead === 0 ? "you are next" : `${wait.ahead} ${wait.ahead === 1 ? "learner" : "learners"} ahead of you`;
  const why = wait.reason === "memory" ? "The machine is short of memory for another Spark session" : `Spark is busy (${wait.slots} sessions run at once on this machine)`;
  const then = waiting === "cell" ? "This cell waits its turn; the wait does not count against its time limit." : "Your Check waits its turn; its time limit starts when it runs.";
  return `${why}: ${who}, about ${wait.etaSeconds} s. ${then}`;
}

/**
 * A learner's Spark: the slot their kernel's JVM holds (asked for by python/course_spark.py through
 * the gate, `/mlflow-gate/course/spark-session`), the Spark Checks' turns, and what the learner is
 * told when the course took their idle session's slot back.
 */
export class LearnerSpark {
  private session: SparkLease | undefined;
  private runningCells = 0;
  private lastActivity = Date.now();
  private notice: string | undefined;

  constructor(
    private readonly learnerId: string,
    private readonly slots: SparkSlots,
  ) {}

  /** A cell started or ended: a session is idle only while no cell runs. */
  cellStarted(): void {
    this.runningCells += 1;
    this.lastActivity = Date.now();
  }

  cellEnded(): void {
    this.runningCells = Math.max(0, this.runningCells - 1);
    this.lastActivity = Date.now();
  }

  /** Time the learner's cells spent waiting for Spark since `sinceMs` (their time limit leaves it out). */
  waitedMs(sinceMs: number): number {
    return this.slots.waitedMs(this.learnerId, sinceMs);
  }

  /** Said once, in the next cell's output, when the course stopped an idle session. */
  takeNotice(): string | undefined {
    const notice = this.notice;
    this.notice = undefined;
    return notice;
  }

  /**
   * The kernel's request for a slot, answered as NDJSON: `{"waiting": {..., message}}` while it
   * waits, `{"granted": {}}` once it may start Spark; the slot is held while the answer stays open
   * and released when the kernel closes it (Spark stopped, the kernel ended). `{"stop": {...}}` asks
   * the kernel to stop an idle session.
   */
  openSession(signal: AbortSignal): ReadableStream<Uint8Array> {
    if (this.session) throw new AppError("conflict", "Your kernel already holds a Spark session: use it (the `spark` variable), or stop it with spark.stop() first.");
    const encoder = new TextEncoder();
    const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
    let lease: SparkLease | undefined;
    let closed = false;
    let stopTimer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(stopTimer);
      lease?.release();
      if (this.session === lease) this.session = undefined;
      lease = undefined;
    };
    return new ReadableStream<Uint8Array>({
      start: async (controller) => {
        const close = () => {
          if (closed) return;
          closed = true;
          release();
          try {
            controller.close();
          } catch {
            // the kernel went already
          }
        };
        signal.addEventListener("abort", close, { once: true });
        try {
          lease = await this.slots.acquire(this.learnerId, "session", {
            signal,
            onWait: (wait) => !closed && controller.enqueue(line({ waiting: { ...wait, message: waitingWords(wait) } })),
          });
        } catch {
          return close(); // the kernel gave up (its cell was interrupted, or it ended)
        }
        if (closed) return release();
        this.session = lease;
        this.slots.watchSession(lease, {
          idleMs: () => (this.runningCells > 0 ? 0 : Date.now() - this.lastActivity),
          requestStop: () => {
            const minutes = Math.round((Date.now() - this.lastActivity) / 60_000);
            this.notice =
              `The course stopped your Spark session after ${minutes} minute${minutes === 1 ? "" : "s"} without use, to give its slot to another learner. ` +
              "Run the cell that starts Spark again before the cells that use `spark`.";
            controller.enqueue(line({ stop: { reason: "idle", message: this.notice } }));
            // A kernel that does not stop it (wedged, or code that ignores it) loses the slot anyway.
            stopTimer = setTimeout(close, STOP_GRACE_MS).unref();
          },
        });
        controller.enqueue(line({ granted: { slots: this.slots.slots } }));
      },
      cancel: () => {
        closed = true;
        release();
      },
    });
  }

  /**
   * Waits for a slot for a Spark Check of this learner's (its helper starts a JVM), saying where it
   * stands through `onWait`; resolves with the release.
   */
  async admitCheck(onWait?: (wait: SparkWait) => void): Promise<() => void> {
    const lease = await this.slots.acquire(this.learnerId, "check", { onWait });
    return () => lease.release();
  }

  /** Where this learner's Spark Check stands in the queue, or null when none waits. */
  checkWaiting(): SparkWait | null {
    return this.slots.waiting(this.learnerId, "check");
  }

  /** Where this learner's session request stands, or null. */
  sessionWaiting(): SparkWait | null {
    return this.slots.waiting(this.learnerId, "session");
  }
}
