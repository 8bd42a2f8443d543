import type { Store } from "./database";

/**
 * Notes that a learner started these exercises at `at` (opened their lesson, or ran one of its
 * cells), unless they started them before: only the first time counts.
 */
export async function noteExerciseStarts(db: Store, learnerId: string, exercises: readonly string[], at: Date): Promise<void> {
  if (exercises.length === 0) return;
  const startedAt = at.toISOString();
  await db
    .insertInto("exercise_starts")
    .values(exercises.map((exercise) => ({ learner_id: learnerId, exercise, started_at: startedAt })))
    .onConflict((oc) => oc.columns(["learner_id", "exercise"]).doNothing())
    .execute();
}
