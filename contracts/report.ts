/**
 * The grader's contract: what one grading of one exercise produces. The Check
 * panel, the progress store, the instructor dashboard and the CLI all read
 * this shape, so it changes only on purpose. It lives with the other contracts
 * because route answers carry it (check.ts, catch-up.ts); the grader's
 * functions over it are in grader/report.ts.
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
