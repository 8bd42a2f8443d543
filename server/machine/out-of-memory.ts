import fs from "node:fs";

/**
 * What the kernel's out-of-memory killer weighs besides size (`oom_score_adj`, -1000 to 1000): the
 * course's services (MLflow, Jupyter, the site, the supervisor) are the last it takes, learners'
 * processes (which raise their own score to 1000: python/course_kernel.py, the sandbox launcher, the
 * Checks' helpers) the first. Lowering a score needs CAP_SYS_RESOURCE (root has it, except in some
 * containers); without it the services keep the default score, 0, still far below the learners'.
 */
export const SERVICE_OOM_SCORE_ADJ = -500;

export function protectFromOutOfMemory(pid: number | "self" = "self", procRoot = "/proc"): boolean {
  try {
    fs.writeFileSync(`${procRoot}/${pid}/oom_score_adj`, String(SERVICE_OOM_SCORE_ADJ));
    return true;
  } catch {
    return false;
  }
}
