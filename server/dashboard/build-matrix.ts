import type { CellState, DashboardOptions, ExerciseInfo, MatrixCell, MatrixRow, StuckLearner } from "@/contracts/dashboard";
import { matrixCell } from "./classify-cell";
import { attemptsByLearnerAndExercise, timeOf } from "./group-attempts";
import type { AttemptRecord, ExerciseStartRecord, LearnerRecord } from "../store/class-records";

/**
 * The class matrix: one row per learner (by name, then id), one cell per exercise.
 * Attempts of learners or exercises not listed are ignored. Pass `stuck` (from
 * `stuckLearners`, same `now` and options) to mark rule (b) cells stuck too; rule
 * (a) cells are stuck either way. `starts` (when each learner first opened an exercise's lesson
 * or ran one of its cells) is where each time to pass starts.
 */
export function buildMatrix(
  learners: readonly LearnerRecord[],
  attempts: readonly AttemptRecord[],
  exercises: readonly ExerciseInfo[],
  now: Date,
  options: Partial<DashboardOptions> = {},
  stuck: readonly StuckLearner[] = [],
  starts: readonly ExerciseStartRecord[] = [],
): MatrixRow[] {
  const byLearner = attemptsByLearnerAndExercise(attempts);
  const startOf = new Map(starts.map((start) => [`${start.learnerId}\u0000${start.exercise}`, start.startedAt]));
  const noProgress = new Map(stuck.filter((entry) => entry.reason === "no-progress").map((entry) => [entry.learnerId, entry]));
  const rows = learners.map((learner): MatrixRow => {
    const mine = byLearner.get(learner.id);
    const cells: Record<string, MatrixCell> = {};
    const row: MatrixRow = { learnerId: learner.id, displayName: learner.displayName, joinedAt: learner.joinedAt, lastSeenAt: learner.lastSeenAt, cells, passed: 0, stuck: 0, inProgress: 0, caughtUp: 0, attempts: 0, lastAttemptAt: null };
    const flagged = noProgress.get(learner.id);
    for (const exercise of exercises) {
      let cell = matrixCell(mine?.get(exercise.id) ?? [], now, options, startOf.get(`${learner.id}\u0000${exercise.id}`));
      if (flagged?.exercise === exercise.id && cell.state === "in-progress") {
        cell = { ...cell, state: "stuck", stuckReason: "no-progress", ...(flagged.failingCheck ? { failingCheck: flagged.failingCheck } : {}) };
      }
      cells[exercise.id] = cell;
      if (cell.state === "passed") row.passed += 1;
      else if (cell.state === "stuck") row.stuck += 1;
      else if (cell.state === "in-progress") row.inProgress += 1;
      else if (cell.state === "caught-up") row.caughtUp += 1;
      row.attempts += cell.attempts;
      if (cell.lastAttemptAt && timeOf(cell.lastAttemptAt) > timeOf(row.lastAttemptAt)) row.lastAttemptAt = cell.lastAttemptAt;
    }
    return row;
  });
  return sortMatrix(rows, "name");
}

export type MatrixSortKey = "name" | "passed" | "stuck" | "inProgress" | "attempts" | "lastAttemptAt" | "joinedAt" | `exercise:${string}`;

/** Within one exercise column: not started, in progress, stuck, passed (ascending). */
const STATE_RANK: Record<CellState, number> = { "not-started": 0, "in-progress": 1, stuck: 2, "caught-up": 3, passed: 4 };

/**
 * Sorts a copy of the rows; ties always by name, then id, ascending (so the order
 * is stable across live updates). `exercise:<id>` sorts ascending from least to
 * most done: not started, in progress (fewer attempts first), stuck, passed
 * (slowest first, fastest last).
 */
export function sortMatrix(rows: readonly MatrixRow[], key: MatrixSortKey, direction: "asc" | "desc" = "asc"): MatrixRow[] {
  const sign = direction === "asc" ? 1 : -1;
  const byName = (a: MatrixRow, b: MatrixRow) => a.displayName.localeCompare(b.displayName) || (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0);
  const primary = (a: MatrixRow, b: MatrixRow): number => {
    if (key === "name") return 0;
    if (key === "lastAttemptAt" || key === "joinedAt") return timeOf(a[key]) - timeOf(b[key]);
    if (key.startsWith("exercise:")) {
      const id = key.slice("exercise:".length);
      const ca = a.cells[id];
      const cb = b.cells[id];
      if (!ca || !cb) return 0;
      const byState = STATE_RANK[ca.state] - STATE_RANK[cb.state];
      if (byState || ca.state !== "passed") return byState || ca.attempts - cb.attempts;
      return (cb.timeToPassMs ?? 0) - (ca.timeToPassMs ?? 0);
    }
    return a[key as "passed" | "stuck" | "inProgress" | "attempts"] - b[key as "passed" | "stuck" | "inProgress" | "attempts"];
  };
  return [...rows].sort((a, b) => sign * primary(a, b) || byName(a, b));
}
