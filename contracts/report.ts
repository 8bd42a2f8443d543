import { z } from "zod";

/**
 * The grader's contract: what one grading of one exercise produces. The Check
 * panel, the progress store, the instructor dashboard and the CLI all read
 * this shape, so it changes only on purpose. It lives with the other contracts
 * because route answers carry it (check.ts, catch-up.ts); the grader's
 * functions over it are in grader/report.ts. Its JSON Schema is exported with the other
 * contracts' (contracts/json-schemas.ts, python/schemas/exercise-report.schema.json) for readers
 * outside TypeScript.
 *
 * Statuses of one check:
 * - `passed`:  the learner's work is there.
 * - `failed`:  the learner's work is not there yet; `message` names what was
 *              expected and what was found, `hint` says how to get there.
 * - `skipped`: a check this one depends on did not pass; `message` says which.
 * - `error`:   the platform failed (MLflow unreachable, a timeout, a helper
 *              crashed); `message` says so and that it is not the learner's fault.
 */
/**
 * The report's version. The progress store keeps it with every attempt (`report_version`), and the
 * class export says it, so a reader of an older stored report knows which shape it reads. Raise it
 * with any change to the shapes below that a stored report or an export would show.
 */
export const REPORT_VERSION = 1;

export const checkStatusSchema = z.enum(["passed", "failed", "skipped", "error"]);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkResultSchema = z.strictObject({
  /** Stable id within the exercise, e.g. `param-num-trees`. */
  id: z.string(),
  /** Short human title shown in the checklist, e.g. "Param `num_trees` is logged". */
  title: z.string(),
  status: checkStatusSchema,
  message: z.string(),
  /** Set on failed checks: the hint tier chosen for this attempt. */
  hint: z.string().optional(),
  /** Path in the proxied MLflow UI (e.g. `/mlflow/#/experiments/1/runs/abc`). */
  link: z.string().optional(),
  /** An extra that never blocks passing (e.g. the `@staging` alias). */
  optional: z.literal(true).optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const reportStatusSchema = z.enum(["passed", "failed", "error"]);
export type ReportStatus = z.infer<typeof reportStatusSchema>;

export const gradedRunSchema = z.strictObject({
  runId: z.string(),
  runName: z.string().optional(),
  link: z.string(),
});
export type GradedRun = z.infer<typeof gradedRunSchema>;

export const exerciseReportSchema = z.strictObject({
  exercise: z.string(),
  learner: z.string(),
  /** ISO 8601 time the grading started. */
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  status: reportStatusSchema,
  /** In lesson order. */
  checks: z.array(checkResultSchema),
  /** The run the run-level checks looked at, when the exercise grades a run. */
  gradedRun: gradedRunSchema.optional(),
});
export type ExerciseReport = z.infer<typeof exerciseReportSchema>;
