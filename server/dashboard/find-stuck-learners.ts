import type { DashboardOptions, MatrixCell, StuckLearner } from "@/contracts/dashboard";
import { classifyAttempts, type RepeatedFailure } from "./classify-cell";
import { dashboardOptions, MINUTE_MS } from "./dashboard-options";
import { attemptsByLearnerAndExercise, compareTimes, groupBy, timeOf } from "./group-attempts";
import type { AttemptRecord, CellRunRecord, LearnerRecord } from "../store/class-records";

/**
 * Learners who need the instructor, one entry per learner, longest stuck first:
 * (a) `repeated-failure`: at least `stuckFailures` failed counted attempts on the
 *     same check within the last `stuckWindowMinutes`, on an exercise not passed
 *     (see `repeatedFailure`); if several exercises qualify, the one failed last;
 * (b) `no-progress`: active (a cell run or an attempt within `activeWindowMinutes`),
 *     an exercise in progress (a counted, failed attempt and no pass), and no new
 *     exercise passed for `noProgressMinutes`, counted from the later of joining and
 *     the last first pass; the exercise is the in-progress one attempted last.
 * Both windows include their boundary. Platform errors never make anyone stuck:
 * they are not failures and start no exercise (they do count as activity).
 */
export function stuckLearners(
  learners: readonly LearnerRecord[],
  attempts: readonly AttemptRecord[],
  cellRuns: readonly CellRunRecord[],
  now: Date,
  options: Partial<DashboardOptions> = {},
): StuckLearner[] {
  const opts = dashboardOptions(options);
  const nowMs = now.getTime();
  const byLearner = attemptsByLearnerAndExercise(attempts);
  const runsByLearner = groupBy(cellRuns, (run) => run.learnerId);
  const stuck: (StuckLearner & { sinceMs: number })[] = [];

  for (const learner of learners) {
    const exercises = byLearner.get(learner.id) ?? new Map<string, AttemptRecord[]>();
    const repeated: { exercise: string; failure: RepeatedFailure }[] = [];
    const cells: { exercise: string; cell: MatrixCell }[] = [];
    let lastActivityAt: string | null = null;
    for (const [exercise, group] of exercises) {
      const { cell, repeated: failure } = classifyAttempts(group, now, opts);
      if (failure) repeated.push({ exercise, failure });
      cells.push({ exercise, cell });
      for (const attempt of group) if (lastActivityAt === null || compareTimes(attempt.startedAt, lastActivityAt) > 0) lastActivityAt = attempt.startedAt;
    }
    for (const run of runsByLearner.get(learner.id) ?? []) if (lastActivityAt === null || compareTimes(run.startedAt, lastActivityAt) > 0) lastActivityAt = run.startedAt;
    const lastActivityMs = lastActivityAt === null ? -Infinity : timeOf(lastActivityAt);
    const base = { learnerId: learner.id, displayName: learner.displayName, lastActivityAt };

    if (repeated.length > 0) {
      repeated.sort((a, b) => compareTimes(b.failure.lastFailedAt, a.failure.lastFailedAt) || (a.exercise < b.exercise ? -1 : 1));
      const [{ exercise, failure }, ...others] = repeated;
      stuck.push({
        ...base,
        exercise,
        reason: "repeated-failure",
        failingCheck: failure.check,
        failedAttempts: failure.failedAttempts,
        since: failure.firstFailedAt,
        sinceMs: timeOf(failure.firstFailedAt),
        alsoStuckOn: others.map((other) => other.exercise),
      });
      continue;
    }

    const active = lastActivityMs >= nowMs - opts.activeWindowMinutes * MINUTE_MS;
    if (!active) continue;
    let progressMs = timeOf(learner.joinedAt);
    let progressAt = learner.joinedAt;
    for (const { cell } of cells) {
      if (cell.firstPassedAt && timeOf(cell.firstPassedAt) > progressMs) [progressMs, progressAt] = [timeOf(cell.firstPassedAt), cell.firstPassedAt];
    }
    if (nowMs - progressMs < opts.noProgressMinutes * MINUTE_MS) continue;
    const inProgress = cells
      .filter(({ cell }) => cell.state === "in-progress")
      .sort((a, b) => timeOf(b.cell.lastAttemptAt) - timeOf(a.cell.lastAttemptAt) || (a.exercise < b.exercise ? -1 : 1));
    if (inProgress.length === 0) continue;
    const { exercise, cell } = inProgress[0];
    stuck.push({
      ...base,
      exercise,
      reason: "no-progress",
      ...(cell.failingCheck ? { failingCheck: cell.failingCheck } : {}),
      failedAttempts: cell.attempts,
      since: progressAt,
      sinceMs: progressMs,
      alsoStuckOn: [],
    });
  }

  return stuck
    .sort((a, b) => a.sinceMs - b.sinceMs || a.displayName.localeCompare(b.displayName) || (a.learnerId < b.learnerId ? -1 : 1))
    .map(({ sinceMs: _sinceMs, ...entry }) => entry);
}
