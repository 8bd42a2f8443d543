/**
 * The grader's contract: what one grading of one exercise produces. The Check
 * panel, the progress store, the instructor dashboard and the CLI all read
 * this shape, so it changes only on purpose.
 *
 * Statuses of one check:
 * - `passed`:  the learner's work is there.
 * - `failed`:  the learner's work is not there yet; `message` names what was
 *              expected and what was found, `hint` says how to get there.
 * - `skipped`: a check this one depends on did not pass; `message` says which.
 * - `error`:   the platform failed (MLflow unreachable, a timeout, a helper
 *              crashed); `message` says so and that it is not the learner's fault.
 */
export type CheckStatus = "passed" | "failed" | "skipped" | "error";

export type CheckResult = {
  /** Stable id within the exercise, e.g. `param-num-trees`. */
  id: string;
  /** Short human title shown in the checklist, e.g. "Param `num_trees` is logged". */
  title: string;
  status: CheckStatus;
  message: string;
  /** Set on failed checks: the hint tier chosen for this attempt. */
  hint?: string;
  /** Path in the proxied MLflow UI (e.g. `/mlflow/#/experiments/1/runs/abc`). */
  link?: string;
  /** An extra that never blocks passing (e.g. the `@staging` alias). */
  optional?: true;
};

export type ReportStatus = "passed" | "failed" | "error";

export type GradedRun = {
  runId: string;
  runName?: string;
  link: string;
};

export type ExerciseReport = {
  exercise: string;
  learner: string;
  /** ISO 8601 time the grading started. */
  startedAt: string;
  durationMs: number;
  status: ReportStatus;
  /** In lesson order. */
  checks: CheckResult[];
  /** The run the run-level checks looked at, when the exercise grades a run. */
  gradedRun?: GradedRun;
};

/**
 * The report's overall status.
 *
 * A platform error anywhere makes the whole report `error`, even when another
 * check failed: the grading is incomplete, so it must not be stored as a failed
 * attempt (the learner may well have passed the check that could not run).
 * Otherwise any failed required check makes it `failed`. Optional checks and
 * skipped checks never decide the outcome on their own: a check is only
 * skipped because a required one failed or errored, which already decides it.
 */
export function summarizeStatus(checks: readonly CheckResult[]): ReportStatus {
  // Nothing was checked: that is no pass.
  if (checks.length === 0) return "error";
  if (checks.some((check) => check.status === "error")) return "error";
  if (checks.some((check) => check.status === "failed" && !check.optional)) return "failed";
  return "passed";
}

export type StatusCounts = {
  passed: number;
  /** Required checks that failed. */
  failed: number;
  /** Optional checks that failed: reported, never blocking. */
  optionalFailed: number;
  skipped: number;
  error: number;
};

export function countStatuses(checks: readonly CheckResult[]): StatusCounts {
  const counts: StatusCounts = { passed: 0, failed: 0, optionalFailed: 0, skipped: 0, error: 0 };
  for (const check of checks) {
    if (check.status === "failed" && check.optional) counts.optionalFailed += 1;
    else counts[check.status] += 1;
  }
  return counts;
}
