import fs from "node:fs";
import path from "node:path";
import type { CourseConfig } from "../config/config";
import { courseSandboxId } from "./launch-description";

/**
 * While one of a learner's cells has run longer than LONG_CELL_MS, their kernel's cgroup runs at a
 * small fraction of the CPU weight every other learner has, until the cell ends. Short cells (a
 * print, a Check's quick look) then get the CPU at once when they need it, and a long one (a
 * training run, a Spark job, a `while True: pass`) takes what they leave: on an idle machine that
 * is everything, so nothing slows down unless someone else is waiting. Equal shares alone do not
 * give this: a learner waking for a cell competes as an equal with every busy loop of the class,
 * and a `print(1)` that needs 6 ms of CPU (ipykernel's own work, on a slow 2-core machine) then
 * takes 3 to 5 ms longer with two of them (bench/sandbox's fairness section).
 *
 * The cgroup is the one python/sandbox_launch.py's join_cgroups puts the kernel in
 * (mlflow-training/<course>/<learner>); that launcher sets the full weight again whenever a
 * kernel starts, so a restart never inherits a lowered one.
 */
export const LONG_CELL_MS = 1_000;

/** cgroup v2 cpu.weight and v1 cpu.shares: every learner's (as join_cgroups sets it) and a long cell's (1% and about 1.6%). */
const WEIGHTS = { v2: { file: "cpu.weight", full: 100, long: 1 }, v1: { file: "cpu.shares", full: 1024, long: 16 } } as const;

export type CellPriority = {
  /** How long a cell runs before its kernel yields to others. */
  afterMs: number;
  /** The learner's cell has run afterMs and still runs. */
  lower(learnerId: string): void;
  /** It ended (or was cut off). */
  restore(learnerId: string): void;
};

/** Where cgroups are mounted, and whether the course may change them (the launcher puts kernels in cgroups only as root). */
type Machine = { cgroupRoot: string; asRoot: boolean };
const THIS_MACHINE: Machine = { cgroupRoot: "/sys/fs/cgroup", asRoot: process.getuid?.() === 0 };

/** The long-cell rule for this course's sandboxed kernels; none when they have no cgroups here (no sandbox, not root, kernels elsewhere). */
export function cellPriority(config: CourseConfig, { cgroupRoot, asRoot }: Machine = THIS_MACHINE): CellPriority | undefined {
  // Kernels of another Jupyter (JUPYTER_URL) have no cgroup here.
  if (!config.sandbox.enabled || config.jupyter.external || !asRoot) return undefined;
  const v2 = fs.existsSync(path.join(cgroupRoot, "cgroup.controllers"));
  const weights = v2 ? WEIGHTS.v2 : WEIGHTS.v1;
  const courseGroup = path.join(cgroupRoot, ...(v2 ? [] : ["cpu"]), "mlflow-training", courseSandboxId(config));
  const set = (learnerId: string, value: number) => {
    // A learner id is the course's own (never a path), and a kernel not yet in its cgroup (or
    // one whose cgroup went with the course) has nothing to change.
    fs.promises.writeFile(path.join(courseGroup, learnerId, weights.file), String(value)).catch(() => undefined);
  };
  return { afterMs: LONG_CELL_MS, lower: (learnerId) => set(learnerId, weights.long), restore: (learnerId) => set(learnerId, weights.full) };
}
