import fs from "node:fs";
import { AppError } from "../errors/app-error";

/** The machine's memory as the kernel counts it (`/proc/meminfo`), in MB. */
export type MemoryReading = { totalMb: number; availableMb: number };

export function readMemory(meminfo = "/proc/meminfo"): MemoryReading | null {
  let text: string;
  try {
    text = fs.readFileSync(meminfo, "utf8");
  } catch {
    return null; // not Linux: nothing to go by
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  const total = kb("MemTotal");
  const available = kb("MemAvailable");
  if (!Number.isFinite(total) || !Number.isFinite(available)) return null;
  return { totalMb: Math.round(total / 1024), availableMb: Math.round(available / 1024) };
}

/** The floor when none is configured: a tenth of the machine's memory, at least 1 GB. */
export function defaultMemoryFloorMb(totalMb: number): number {
  return Math.max(1024, Math.round(totalMb / 10));
}

/**
 * The memory the course keeps for its own services (MLflow, Jupyter, the site, a database on the
 * machine): a learner's kernel, model server or JVM starts only while the machine has more than the
 * floor available, so that a class starting its heavy lessons together gets a clear "try again in a
 * minute" instead of the kernel's out-of-memory killer choosing a victim.
 */
export class MemoryFloor {
  readonly floorMb: number;

  constructor(
    floorMb: number | undefined,
    private readonly read: () => MemoryReading | null = () => readMemory(),
  ) {
    const reading = this.read();
    this.floorMb = floorMb ?? (reading ? defaultMemoryFloorMb(reading.totalMb) : 1024);
  }

  /** Whether `neededMb` more can start now, with the floor left over. Unknown machines always have room. */
  hasRoomFor(neededMb = 0): boolean {
    const reading = this.read();
    return !reading || reading.availableMb - neededMb >= this.floorMb;
  }

  availableMb(): number | null {
    return this.read()?.availableMb ?? null;
  }

  /** Throws a 503 a learner can act on when `what` (e.g. "your Python kernel") may not start now. */
  assertRoomFor(what: string, neededMb = 0): void {
    if (this.hasRoomFor(neededMb)) return;
    const available = this.availableMb();
    throw new AppError(
      "service_unavailable",
      `The machine running the course is short of memory right now (${available ?? "?"} MB available; the course keeps ${this.floorMb} MB for its own services), so it did not start ${what}. ` +
        "Try again in a minute, when other learners' sessions have ended; if it keeps happening, tell your instructor.",
      { retryAfterSeconds: 30 },
    );
  }
}
