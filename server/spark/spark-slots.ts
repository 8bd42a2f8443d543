import os from "node:os";
import type { MemoryFloor } from "../machine/memory";

/**
 * What one Spark JVM is reckoned to take, in MB, when the course decides whether another may start
 * (a learner's session with the course's settings, python/course_spark.py: about 0.6 GB resident, and
 * room to grow while it scores).
 */
export const SPARK_SESSION_MB = 1024;

/**
 * How many Spark JVMs the machine runs at once when COURSE_SPARK_SLOTS does not say: two per core
 * (a JVM starting takes a core for seconds, then a session mostly waits for its learner), and no
 * more than half the machine's memory holds.
 */
export function defaultSparkSlots(cores = os.availableParallelism(), totalMb = Math.round(os.totalmem() / 1024 / 1024)): number {
  return Math.max(1, Math.min(2 * cores, Math.floor((totalMb * 0.5) / SPARK_SESSION_MB)));
}

/** A learner's Spark session (held while their kernel's JVM runs), or a Spark Check's (for one grading). */
export type SparkKind = "session" | "check";

/** Where a waiter stands: how many are ahead, about how long until its turn, and what it waits for. */
export type SparkWait = { ahead: number; etaSeconds: number; reason: "slots" | "memory"; slots: number };

export type SparkLease = {
  readonly learnerId: string;
  readonly kind: SparkKind;
  readonly grantedAt: number;
  release(): void;
};

/** What a session's holder tells the slots, so that one left unused can be asked to give its slot back. */
export type SessionHolder = { idleMs(): number; requestStop(why: "idle"): void };

type Waiter = {
  learnerId: string;
  kind: SparkKind;
  since: number;
  grant: (lease: SparkLease) => void;
  fail: (error: Error) => void;
  onWait?: (wait: SparkWait) => void;
  last?: string;
};

type Holder = { lease: SparkLease; session?: SessionHolder; stopAsked?: boolean };

/** How long a hold lasts until the course has seen some (an exponential average then takes over). */
const FIRST_GUESS_MS: Record<SparkKind, number> = { session: 90_000, check: 40_000 };
/** A session unused this long gives its slot back when someone is waiting (else after the configured idle time). */
const IDLE_WHEN_OTHERS_WAIT_MS = 2 * 60_000;
const TICK_MS = 2000;

/**
 * The machine's Spark slots: every JVM the course causes (a learner's Spark session in their kernel,
 * the Spark Check's helper) holds one while it runs. Waiters are served first come, first served,
 * and only while the machine's memory stays above the course's floor; each is told where it stands.
 * A session unused for a while is asked to give its slot back (sooner when others wait).
 */
export class SparkSlots {
  private readonly holders = new Set<Holder>();
  private readonly queue: Waiter[] = [];
  private readonly averageHoldMs: Record<SparkKind, number> = { ...FIRST_GUESS_MS };
  /** Each learner's waits, [start, end) (end undefined while waiting): what a cell's time limit leaves out. */
  private readonly waits = new Map<string, Array<[number, number | undefined]>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly slots: number,
    private readonly options: { memory: MemoryFloor; idleMinutes: number; now?: () => number },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Waits for a slot. `onWait` hears where the waiter stands, at once and when that changes; `signal` gives up. */
  acquire(learnerId: string, kind: SparkKind, { signal, onWait }: { signal?: AbortSignal; onWait?: (wait: SparkWait) => void } = {}): Promise<SparkLease> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    return new Promise<SparkLease>((resolve, reject) => {
      const waiter: Waiter = { learnerId, kind, since: this.now(), grant: resolve, fail: reject, onWait };
      this.queue.push(waiter);
      this.waitStarted(learnerId);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.queue.indexOf(waiter);
          if (index < 0) return;
          this.queue.splice(index, 1);
          this.waitEnded(learnerId);
          reject(signal.reason ?? new Error("aborted"));
          this.serve();
        },
        { once: true },
      );
      this.serve();
      this.ensureTicking();
    });
  }

  /** Makes a session's lease answerable for being unused (see SessionHolder). */
  watchSession(lease: SparkLease, session: SessionHolder): void {
    for (const holder of this.holders) if (holder.lease === lease) holder.session = session;
  }

  /** Where a learner's waiter of `kind` stands now, or null when it is not waiting. */
  waiting(learnerId: string, kind: SparkKind): SparkWait | null {
    const index = this.queue.findIndex((waiter) => waiter.learnerId === learnerId && waiter.kind === kind);
    return index < 0 ? null : this.standing(index);
  }

  /** Milliseconds the learner spent waiting for a slot since `sinceMs` (a cell's time limit leaves them out). */
  waitedMs(learnerId: string, sinceMs: number): number {
    const now = this.now();
    let total = 0;
    for (const [start, end] of this.waits.get(learnerId) ?? []) {
      total += Math.max(0, Math.min(end ?? now, now) - Math.max(start, sinceMs));
    }
    return total;
  }

  /** Who holds a slot now. */
  holding(): Array<{ learnerId: string; kind: SparkKind; grantedAt: number }> {
    return [...this.holders].map(({ lease }) => ({ learnerId: lease.learnerId, kind: lease.kind, grantedAt: lease.grantedAt }));
  }

  queued(): number {
    return this.queue.length;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private waitStarted(learnerId: string) {
    const waits = this.waits.get(learnerId) ?? [];
    waits.push([this.now(), undefined]);
    // A learner's recent waits only: a cell's time limit never reaches further back than a few.
    if (waits.length > 8) waits.shift();
    this.waits.set(learnerId, waits);
  }

  private waitEnded(learnerId: string) {
    const open = (this.waits.get(learnerId) ?? []).find(([, end]) => end === undefined);
    if (open) open[1] = this.now();
  }

  /** Grants slots to the head of the queue while there are slots and memory, then tells the rest where they stand. */
  private serve(): void {
    while (this.queue.length && this.holders.size < this.slots && this.options.memory.hasRoomFor(SPARK_SESSION_MB)) {
      const waiter = this.queue.shift()!;
      this.waitEnded(waiter.learnerId);
      waiter.grant(this.grant(waiter));
    }
    this.queue.forEach((waiter, index) => {
      const wait = this.standing(index);
      const said = JSON.stringify(wait);
      if (said !== waiter.last) {
        waiter.last = said;
        waiter.onWait?.(wait);
      }
    });
  }

  private grant(waiter: Waiter): SparkLease {
    const grantedAt = this.now();
    let released = false;
    const holder: Holder = {
      lease: {
        learnerId: waiter.learnerId,
        kind: waiter.kind,
        grantedAt,
        release: () => {
          if (released) return;
          released = true;
          this.holders.delete(holder);
          const held = this.now() - grantedAt;
          this.averageHoldMs[waiter.kind] = Math.round(0.7 * this.averageHoldMs[waiter.kind] + 0.3 * held);
          this.serve();
        },
      },
    };
    this.holders.add(holder);
    return holder.lease;
  }

  /**
   * Where the waiter at `index` stands: its turn comes when as many slots have freed as there are
   * waiters ahead of it, each holder expected to keep its slot for the average hold of its kind.
   */
  private standing(index: number): SparkWait {
    const now = this.now();
    const free = [...this.holders].map(({ lease }) => Math.max(5_000, this.averageHoldMs[lease.kind] - (now - lease.grantedAt)));
    while (free.length < this.slots) free.push(0);
    free.sort((a, b) => a - b);
    for (const ahead of this.queue.slice(0, index)) {
      const soonest = free.shift()!;
      free.push(soonest + this.averageHoldMs[ahead.kind]);
      free.sort((a, b) => a - b);
    }
    const memoryShort = this.holders.size < this.slots && !this.options.memory.hasRoomFor(SPARK_SESSION_MB);
    return { ahead: index, etaSeconds: Math.max(5, Math.round(free[0] / 5000) * 5), reason: memoryShort ? "memory" : "slots", slots: this.slots };
  }

  private ensureTicking(): void {
    this.timer ??= setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Every couple of seconds: memory may have freed, and sessions left unused give their slots back. */
  private tick(): void {
    const idleLimit = this.queue.length ? Math.min(IDLE_WHEN_OTHERS_WAIT_MS, this.options.idleMinutes * 60_000) : this.options.idleMinutes * 60_000;
    for (const holder of this.holders) {
      if (holder.session && !holder.stopAsked && holder.session.idleMs() >= idleLimit) {
        holder.stopAsked = true;
        holder.session.requestStop("idle");
      }
    }
    this.serve();
    if (!this.queue.length && !this.holders.size) this.stop();
  }
}
