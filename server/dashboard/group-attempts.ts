import type { AttemptRecord } from "../store/class-records";

/**
 * Milliseconds since the epoch of a stored ISO time. An unreadable time reads as
 * the epoch (very old): it never counts as recent, and never throws.
 */
export function timeOf(iso: string | null | undefined): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/** Counted attempts are the learner's own; platform errors never are (even if mis-flagged). */
export function isCounted(attempt: AttemptRecord): boolean {
  return attempt.counted && attempt.status !== "error";
}

/** `toISOString()`'s fixed form (what the store writes): these order as text exactly as in time. */
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Compares two ISO times: as text when both are canonical (no parsing in sorts), else parsed. */
export function compareTimes(a: string, b: string): number {
  if (a.length === 24 && b.length === 24 && CANONICAL.test(a) && CANONICAL.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return timeOf(a) - timeOf(b);
}

/** Oldest first; same instant: by id, so the order never depends on how rows arrived. */
export function byStartTime(a: AttemptRecord, b: AttemptRecord): number {
  return compareTimes(a.startedAt, b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Attempts by learner, then by exercise. */
export function attemptsByLearnerAndExercise(attempts: readonly AttemptRecord[]): Map<string, Map<string, AttemptRecord[]>> {
  const byLearner = new Map<string, Map<string, AttemptRecord[]>>();
  for (const attempt of attempts) {
    let byExercise = byLearner.get(attempt.learnerId);
    if (!byExercise) byLearner.set(attempt.learnerId, (byExercise = new Map()));
    const group = byExercise.get(attempt.exercise);
    if (group) group.push(attempt);
    else byExercise.set(attempt.exercise, [attempt]);
  }
  return byLearner;
}

/** The first failed check of an attempt, in report order. */
export function firstFailedCheck(attempt: AttemptRecord): AttemptRecord["checks"][number] | undefined {
  return attempt.checks.find((check) => check.status === "failed");
}
