import { randomUUID } from "node:crypto";
import type { ExerciseReport } from "@/grader/report";
import type { Store } from "./database";

/**
 * Every report is stored as an attempt with its per-check results. Platform
 * errors are stored too, but `counted = 0`: they are not the learner's misses.
 */
export async function recordAttempt(db: Store, learnerId: string, report: ExerciseReport): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("attempts")
      .values({
        id,
        learner_id: learnerId,
        exercise: report.exercise,
        status: report.status,
        counted: report.status === "error" ? 0 : 1,
        started_at: report.startedAt,
        // Whole milliseconds: PostgreSQL's integer column refuses fractions that SQLite would keep.
        duration_ms: Math.round(report.durationMs),
        graded_run_id: report.gradedRun?.runId ?? null,
      })
      .execute();
    if (report.checks.length) {
      await tx
        .insertInto("check_results")
        .values(
          report.checks.map((check, position) => ({
            attempt_id: id,
            position,
            check_id: check.id,
            title: check.title,
            status: check.status,
            message: check.message,
          })),
        )
        .execute();
    }
    if (report.status === "passed") {
      await tx
        .insertInto("exercise_completions")
        .values({ learner_id: learnerId, exercise: report.exercise, first_passed_at: report.startedAt })
        .onConflict((oc) => oc.columns(["learner_id", "exercise"]).doNothing())
        .execute();
    }
  });
  return id;
}

/** Attempts that count (platform errors excluded). */
export async function countedAttempts(db: Store, learnerId: string, exercise: string): Promise<number> {
  const row = await db
    .selectFrom("attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("learner_id", "=", learnerId)
    .where("exercise", "=", exercise)
    .where("counted", "=", 1)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function completedExercises(db: Store, learnerId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("exercise_completions").select("exercise").where("learner_id", "=", learnerId).execute();
  return new Set(rows.map((row) => row.exercise));
}
