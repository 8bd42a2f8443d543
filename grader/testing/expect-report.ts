import { expect } from "vitest";
import type { CheckResult, CheckStatus, ExerciseReport } from "../report";

/**
 * Asserts the status of every check: the ones listed as failed, skipped or
 * error, and passed for all others. Returns the checks by id for message asserts.
 */
export function expectStatuses(
  report: ExerciseReport,
  expected: { failed?: string[]; skipped?: string[]; error?: string[] },
): Record<string, CheckResult> {
  const want = new Map<string, CheckStatus>();
  for (const status of ["failed", "skipped", "error"] as const) for (const id of expected[status] ?? []) want.set(id, status);
  for (const id of want.keys()) expect(report.checks.map((c) => c.id), `unknown check ${id}`).toContain(id);
  const actual = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  const wanted = Object.fromEntries(report.checks.map((c) => [c.id, want.get(c.id) ?? "passed"]));
  expect(actual, JSON.stringify(report.checks.filter((c) => c.status !== "passed"), null, 1)).toEqual(wanted);
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}
