import fs from "node:fs";
import path from "node:path";
import { CPU_WEIGHTS } from "@/contracts/launch-description";
import type { CourseConfig } from "../config/config";
import { courseSandboxId } from "./launch-description";

/**
 * Learners whose sandbox keeps a CPU busy run at a small fraction of the CPU weight every other
 * learner has, until they are quiet again. Short work (a `print(1)`, a Check's helper) then gets a
 * CPU at once when it needs one, and busy work (a training run, a Spark job, `while True: pass`, a
 * thread or process a cell left running, a model server under load) takes what it leaves: on an
 * idle machine that is everything, so nothing slows down unless someone else is waiting.
 *
 * Equal shares alone do not give this: a learner waking for a cell competes as an equal with every
 * busy loop of the class, and a `print(1)` that needs 6 ms of CPU (ipykernel's own work, on a slow
 * 2-core machine) then takes 3 to 5 ms longer with two of them (bench/sandbox's fairness section).
 * The rule is keyed on what a cgroup used, not on cells, so nothing a cell starts escapes it.
 *
 * The groups are those python/sandbox_launch.py's join_cgroups makes, one per learner and one for
 * their Checks' helpers under mlflow-training/<course>/; it sets the full weight whenever it puts a
 * process in one, so a restarted kernel starts at full weight and is lowered again only if busy.
 */

/** How often each group's CPU use is read. */
export const SAMPLE_MS = 500;
/** Use is averaged over this many samples (one second). */
const WINDOW_SAMPLES = 2;
/** A group that used at least half a CPU over the last second is busy: it is lowered. */
const BUSY_CPUS = 0.5;
/**
 * A lowered group is restored once it used under this over the last second. Far below BUSY_CPUS
 * because a lowered group gets less CPU when others are busy too: among ten lowered spinners on two
 * CPUs each gets a fifth of one, and must stay lowered.
 */
const QUIET_CPUS = 0.05;

/** cgroup v2 cpu.weight and v1 cpu.shares: every learner's (as join_cgroups sets it, from the launch description) and a busy one's (1% and about 1.6%). */
const WEIGHTS = {
  v2: { full: CPU_WEIGHTS.v2.learner, low: CPU_WEIGHTS.v2.busyLearner },
  v1: { full: CPU_WEIGHTS.v1.learner, low: CPU_WEIGHTS.v1.busyLearner },
} as const;

/** Where cgroups are mounted, and whether the course may change them (the launcher puts kernels in cgroups only as root). */
export type Machine = { cgroupRoot: string; asRoot: boolean };
const THIS_MACHINE: Machine = { cgroupRoot: "/sys/fs/cgroup", asRoot: process.getuid?.() === 0 };

/** One course's learner cgroups on this machine. */
export type CourseCgroups = {
  version: "v1" | "v2";
  /** The learners' groups (and their Checks' groups) as they are now. */
  groups(): string[];
  /** CPU time the group has used, in microseconds; null when it is gone. */
  usageMicros(group: string): number | null;
  weight(group: string): number | null;
  setWeight(group: string, weight: number): void;
};

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // gone: the course stopped or cleaned up that learner
  }
}

function subfolders(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** The course's cgroups; none when its kernels have none here (no sandbox, not root, kernels of another Jupyter). */
export function courseCgroups(config: CourseConfig, { cgroupRoot, asRoot }: Machine = THIS_MACHINE): CourseCgroups | undefined {
  if (!config.sandbox.enabled || config.jupyter.external || !asRoot) return undefined;
  const course = ["mlflow-training", courseSandboxId(config)];
  const number = (text: string | null) => (text === null || text.trim() === "" ? null : Number(text.trim()));
  if (fs.existsSync(path.join(cgroupRoot, "cgroup.controllers"))) {
    const folder = path.join(cgroupRoot, ...course);
    return {
      version: "v2",
      groups: () => subfolders(folder),
      usageMicros: (group) => number(/^usage_usec (\d+)$/m.exec(readText(path.join(folder, group, "cpu.stat")) ?? "")?.[1] ?? null),
      weight: (group) => number(readText(path.join(folder, group, "cpu.weight"))),
      setWeight: (group, weight) => writeQuietly(path.join(folder, group, "cpu.weight"), weight),
    };
  }
  // v1: the weight is the cpu controller's; the use is cpuacct's (mounted apart on many machines).
  const [cpu, cpuacct] = [path.join(cgroupRoot, "cpu", ...course), path.join(cgroupRoot, "cpuacct", ...course)];
  return {
    version: "v1",
    groups: () => subfolders(cpuacct),
    usageMicros: (group) => {
      const nanos = number(readText(path.join(cpuacct, group, "cpuacct.usage")));
      return nanos === null ? null : nanos / 1000;
    },
    weight: (group) => number(readText(path.join(cpu, group, "cpu.shares"))),
    setWeight: (group, weight) => writeQuietly(path.join(cpu, group, "cpu.shares"), weight),
  };
}

function writeQuietly(file: string, value: number): void {
  try {
    fs.writeFileSync(file, String(value));
  } catch {
    // The group went between reading and writing: nothing to change.
  }
}

type Sample = { atMs: number; usageMicros: number };

/** Samples every group's CPU use and lowers or restores its weight; `sample()` is one round. */
export class CpuFairness {
  private readonly history = new Map<string, Sample[]>();
  private readonly lowered = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cgroups: CourseCgroups,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Samples every SAMPLE_MS until stopped (it never keeps the process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.sample(), SAMPLE_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    const { full, low } = WEIGHTS[this.cgroups.version];
    const present = new Set(this.cgroups.groups());
    for (const group of this.history.keys()) {
      if (!present.has(group)) {
        this.history.delete(group);
        this.lowered.delete(group);
      }
    }
    const atMs = this.now();
    for (const group of present) {
      const usageMicros = this.cgroups.usageMicros(group);
      if (usageMicros === null) continue;
      let samples = this.history.get(group);
      if (!samples) {
        samples = [];
        // Lowered before this process began (the site restarted): restored when quiet like any other.
        if (this.cgroups.weight(group) === low) this.lowered.add(group);
      }
      samples.push({ atMs, usageMicros });
      if (samples.length > WINDOW_SAMPLES + 1) samples.shift();
      this.history.set(group, samples);
      if (samples.length < WINDOW_SAMPLES + 1) continue;
      const [first, last] = [samples[0], samples[samples.length - 1]];
      const cpus = (last.usageMicros - first.usageMicros) / 1000 / Math.max(1, last.atMs - first.atMs);
      if (this.lowered.has(group)) {
        if (cpus < QUIET_CPUS) {
          this.lowered.delete(group);
          this.cgroups.setWeight(group, full);
        } else if (this.cgroups.weight(group) !== low) {
          // join_cgroups gave it the full weight again (a kernel restarted into it) and it is still busy.
          this.cgroups.setWeight(group, low);
        }
      } else if (cpus >= BUSY_CPUS) {
        this.lowered.add(group);
        this.cgroups.setWeight(group, low);
      }
    }
  }
}
