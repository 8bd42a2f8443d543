import type { DashboardOptions, FailingCheck, MatrixCell } from "@/contracts/dashboard";
import { dashboardOptions, MINUTE_MS } from "./dashboard-options";
import { byStartTime, firstFailedCheck, isCounted, timeOf } from "./group-attempts";
import type { AttemptRecord } from "../store/class-records";

export type RepeatedFailure = {
  check: FailingCheck;
  /** Failed counted attempts on that check within the window. */
  failedAttempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
};

/**
 * Rule (a): the check that failed in at least `stuckFailures` counted attempts
 * started within the last `stuckWindowMinutes` (boundary included: an attempt
 * exactly that old counts; attempts stamped after `now`, clock skew, count too).
 * An exercise the learner has passed is never stuck, even if they fail it again
 * later (the matrix keeps it passed). Several checks qualify: the one that
 * failed most, then the one that failed last, then by id.
 */
export function repeatedFailure(attempts: readonly AttemptRecord[], now: Date, options: Partial<DashboardOptions> = {}): RepeatedFailure | null {
  const { stuckFailures, stuckWindowMinutes } = dashboardOptions(options);
  const windowStart = now.getTime() - stuckWindowMinutes * MINUTE_MS;
  const counted = attempts.filter(isCounted);
  if (counted.some((attempt) => attempt.status === "passed")) return null;
  const perCheck = new Map<string, RepeatedFailure & { lastMs: number }>();
  for (const attempt of [...counted].sort(byStartTime)) {
    const at = timeOf(attempt.startedAt);
    if (attempt.status !== "failed" || at < windowStart) continue;
    const seen = new Set<string>();
    for (const check of attempt.checks) {
      if (check.status !== "failed" || seen.has(check.checkId)) continue;
      seen.add(check.checkId);
      const entry = perCheck.get(check.checkId);
      const latest = { checkId: check.checkId, title: check.title, message: check.message };
      if (!entry) perCheck.set(check.checkId, { check: latest, failedAttempts: 1, firstFailedAt: attempt.startedAt, lastFailedAt: attempt.startedAt, lastMs: at });
      else Object.assign(entry, { check: latest, failedAttempts: entry.failedAttempts + 1, lastFailedAt: attempt.startedAt, lastMs: at });
    }
  }
  let best: (RepeatedFailure & { lastMs: number }) | undefined;
  for (const entry of perCheck.values()) {
    if (entry.failedAttempts < stuckFailures) continue;
    if (
      !best ||
      entry.failedAttempts > best.failedAttempts ||
      (entry.failedAttempts === best.failedAttempts && (entry.lastMs > best.lastMs || (entry.lastMs === best.lastMs && entry.check.checkId < best.check.checkId)))
    ) {
      best = entry;
    }
  }
  if (!best) return null;
  const { lastMs: _lastMs, ...failure } = best;
  return failure;
}

/**
 * One learner's state on one exercise, from their attempts at it (any order).
 * - `not-started`: no counted attempt (platform errors alone start nothing);
 * - `passed`: a counted attempt passed, whatever came after;
 * - `caught-up`: not passed, and a catch-up made its state (never stuck: the learner moved on);
 * - `stuck`: rule (a), see `repeatedFailure` (rule (b) needs the learner's other
 *   exercises and cell runs: `stuckLearners`, overlaid by `buildMatrix`);
 * - `in-progress`: otherwise.
 */
export function matrixCell(attempts: readonly AttemptRecord[], now: Date, options: Partial<DashboardOptions> = {}, startedAt?: string): MatrixCell {
  return classifyAttempts(attempts, now, options, startedAt).cell;
}

/**
 * `matrixCell` with the rule (a) details behind a `stuck` state, in one pass (for `stuckLearners`).
 * `startedAt`: when the learner first opened the exercise's lesson or ran one of its cells, where
 * the time to pass starts; without it (learners from before it was recorded), the first Check.
 */
export function classifyAttempts(
  attempts: readonly AttemptRecord[],
  now: Date,
  options: Partial<DashboardOptions> = {},
  startedAt?: string,
): { cell: MatrixCell; repeated: RepeatedFailure | null } {
  const sorted = [...attempts].sort(byStartTime);
  const counted = sorted.filter(isCounted);
  const empty: MatrixCell = {
    state: "not-started",
    attempts: 0,
    attemptsToPass: null,
    platformErrors: sorted.filter((attempt) => attempt.status === "error").length,
    caughtUpAt: sorted.find((attempt) => attempt.status === "caught_up")?.startedAt ?? null,
    firstAttemptAt: null,
    startedAt: startedAt ?? null,
    firstPassedAt: null,
    timeToPassMs: null,
    lastAttemptAt: null,
  };
  if (counted.length === 0) return { cell: empty.caughtUpAt ? { ...empty, state: "caught-up" } : empty, repeated: null };
  const first = counted[0];
  const last = counted[counted.length - 1];
  const passIndex = counted.findIndex((attempt) => attempt.status === "passed");
  // The earlier of the recorded start and the first Check (a Check from the command line needs no lesson open).
  const clockStart = startedAt !== undefined && timeOf(startedAt) < timeOf(first.startedAt) ? startedAt : first.startedAt;
  const cell: MatrixCell = { ...empty, state: "in-progress", attempts: counted.length, firstAttemptAt: first.startedAt, startedAt: clockStart, lastAttemptAt: last.startedAt };
  if (passIndex >= 0) {
    const pass = counted[passIndex];
    const passed: MatrixCell = {
      ...cell,
      state: "passed",
      attemptsToPass: passIndex + 1,
      firstPassedAt: pass.startedAt,
      timeToPassMs: Math.max(0, timeOf(pass.startedAt) - timeOf(clockStart)),
    };
    return { cell: passed, repeated: null };
  }
  if (cell.caughtUpAt) return { cell: { ...cell, state: "caught-up" }, repeated: null };
  const repeated = repeatedFailure(counted, now, options);
  if (repeated) return { cell: { ...cell, state: "stuck", stuckReason: "repeated-failure", failingCheck: repeated.check }, repeated };
  const lastFailed = [...counted].reverse().find((attempt) => firstFailedCheck(attempt));
  const check = lastFailed && firstFailedCheck(lastFailed);
  return { cell: check ? { ...cell, failingCheck: { checkId: check.checkId, title: check.title, message: check.message } } : cell, repeated: null };
}
