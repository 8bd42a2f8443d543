import type { CheckResult, ReportStatus } from "../contracts/report";

/** The report's shape is a contract of the course (contracts/report.ts); the grader's code imports it from here. */
export type { CheckResult, CheckStatus, ExerciseReport, GradedRun, ReportStatus } from "../contracts/report";

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
