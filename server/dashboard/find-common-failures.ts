import type { CommonFailure, ExerciseInfo } from "@/contracts/dashboard";
import { compareTimes, isCounted } from "./group-attempts";
import type { AttemptRecord } from "../store/class-records";

export const TOP_MESSAGES = 3;

/**
 * The checks that fail most often, over every listed exercise: most learners
 * first, then most failed attempts, then course order, then check id. Only
 * failed checks of counted, failed attempts count: platform errors are not the
 * learner's, and a check that fails inside a passed attempt is an optional extra.
 * Attempts at exercises not listed are ignored.
 */
export function commonFailures(attempts: readonly AttemptRecord[], exercises: readonly ExerciseInfo[]): CommonFailure[] {
  const order = new Map(exercises.map((exercise, index) => [exercise.id, index]));
  type Tally = { exercise: string; checkId: string; title: string; titleAt: string; failedAttempts: number; learners: Set<string>; messages: Map<string, { count: number; lastAt: string }> };
  const tallies = new Map<string, Tally>();
  for (const attempt of attempts) {
    if (attempt.status !== "failed" || !isCounted(attempt) || !order.has(attempt.exercise)) continue;
    const at = attempt.startedAt;
    const seen = new Set<string>();
    for (const check of attempt.checks) {
      if (check.status !== "failed" || seen.has(check.checkId)) continue;
      seen.add(check.checkId);
      const key = `${attempt.exercise}\u0000${check.checkId}`;
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = { exercise: attempt.exercise, checkId: check.checkId, title: check.title, titleAt: at, failedAttempts: 0, learners: new Set(), messages: new Map() }));
      tally.failedAttempts += 1;
      tally.learners.add(attempt.learnerId);
      if (compareTimes(at, tally.titleAt) >= 0) [tally.title, tally.titleAt] = [check.title, at];
      const message = tally.messages.get(check.message);
      if (message) {
        message.count += 1;
        if (compareTimes(at, message.lastAt) > 0) message.lastAt = at;
      } else tally.messages.set(check.message, { count: 1, lastAt: at });
    }
  }
  return [...tallies.values()]
    .sort(
      (a, b) =>
        b.learners.size - a.learners.size ||
        b.failedAttempts - a.failedAttempts ||
        order.get(a.exercise)! - order.get(b.exercise)! ||
        (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0),
    )
    .map((tally) => ({
      exercise: tally.exercise,
      checkId: tally.checkId,
      title: tally.title,
      failedAttempts: tally.failedAttempts,
      learners: tally.learners.size,
      topMessages: [...tally.messages]
        .sort(([ma, a], [mb, b]) => b.count - a.count || compareTimes(b.lastAt, a.lastAt) || (ma < mb ? -1 : ma > mb ? 1 : 0))
        .slice(0, TOP_MESSAGES)
        .map(([message, { count }]) => ({ message, count })),
    }));
}
