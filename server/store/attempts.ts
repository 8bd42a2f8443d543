import { randomUUID } from "node:crypto";
import { REPORT_VERSION } from "@/contracts/report";
import type { ExerciseReport } from "@/grader/report";
import type { Store } from "./database";

/** What an attempt's row says of it: the report's status, or `caught_up` (the state came from Catch me up). */
export const ATTEMPT_STATUSES = ["passed", "failed", "error", "caught_up"] as const;
export type StoredAttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** A row's status as the course reads it: one it does not know counts as the platform's error. */
export function attemptStatus(raw: string): StoredAttemptStatus {
  return (ATTEMPT_STATUSES as readonly string[]).includes(raw) ? (raw as StoredAttemptStatus) : "error";
}

/**
 * Every report is stored as an attempt with its per-check results. Platform
 * errors are stored too, but `counted = 0`: they are not the learner's misses.
 * `caughtUp`: a passing report on the state a catch-up made, stored as `caught_up`,
 * neither counted (not a miss) nor a completion (not a pass).
 */
export async function recordAttempt(db: Store, learnerId: string, report: ExerciseReport, options: { caughtUp?: boolean } = {}): Promise<string> {
  const id = randomUUID();
  const status: StoredAttemptStatus = options.caughtUp ? "caught_up" : report.status;
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("attempts")
      .values({
        id,
        learner_id: learnerId,
        exercise: report.exercise,
        status,
        counted: status === "passed" || status === "failed" ? 1 : 0,
        started_at: report.startedAt,
        // Whole milliseconds: PostgreSQL's integer column refuses fractions that SQLite would keep.
        duration_ms: Math.round(report.durationMs),
        graded_run_id: report.gradedRun?.runId ?? null,
        report_version: REPORT_VERSION,
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
    if (status === "passed") {
      await tx
        .insertInto("exercise_completions")
        .values({ learner_id: learnerId, exercise: report.exercise, first_passed_at: report.startedAt })
        .onConflict((oc) => oc.columns(["learner_id", "exercise"]).doNothing())
        .execute();
    }
  });
  return id;
}

/**
 * Attempts that count (platform errors and catch-ups excluded); `failed`: only those that failed
 * (when a class's catch-up comes "after N failed Checks").
 */
export async function countedAttempts(db: Store, learnerId: string, exercise: string, which: "all" | "failed" = "all"): Promise<number> {
  let query = db
    .selectFrom("attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("learner_id", "=", learnerId)
    .where("exercise", "=", exercise)
    .where("counted", "=", 1);
  if (which === "failed") query = query.where("status", "=", "failed");
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function completedExercises(db: Store, learnerId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("exercise_completions").select("exercise").where("learner_id", "=", learnerId).execute();
  return new Set(rows.map((row) => row.exercise));
}

/** Exercises the learner caught up on, with the runs those catch-ups were graded on. */
export async function caughtUpExercises(db: Store, learnerId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.selectFrom("attempts").select(["exercise", "graded_run_id"]).where("learner_id", "=", learnerId).where("status", "=", "caught_up").execute();
  const byExercise = new Map<string, Set<string>>();
  for (const row of rows) {
    const runs = byExercise.get(row.exercise) ?? new Set<string>();
    if (row.graded_run_id) runs.add(row.graded_run_id);
    byExercise.set(row.exercise, runs);
  }
  return byExercise;
}

/** Who completed which exercise, for everyone. */
export async function allCompletions(db: Store): Promise<Array<{ learnerId: string; exercise: string }>> {
  const rows = await db.selectFrom("exercise_completions").select(["learner_id", "exercise"]).execute();
  return rows.map((row) => ({ learnerId: row.learner_id, exercise: row.exercise }));
}

/** The learner's newest attempts (at most `limit`), each with its check results in report order. */
export async function attemptHistory(db: Store, learnerId: string, limit = 200) {
  const [attempts, checks] = await Promise.all([
    db.selectFrom("attempts").selectAll().where("learner_id", "=", learnerId).orderBy("started_at", "desc").limit(limit).execute(),
    db
      .selectFrom("check_results")
      .innerJoin("attempts", "attempts.id", "check_results.attempt_id")
      .select(["check_results.attempt_id", "check_results.check_id", "check_results.title", "check_results.status", "check_results.message"])
      .where("attempts.learner_id", "=", learnerId)
      .orderBy("check_results.position")
      .execute(),
  ]);
  return attempts.map((attempt) => ({
    id: attempt.id,
    exercise: attempt.exercise,
    status: attemptStatus(attempt.status),
    counted: Number(attempt.counted) === 1,
    startedAt: attempt.started_at,
    durationMs: Number(attempt.duration_ms),
    checks: checks.filter((check) => check.attempt_id === attempt.id).map((check) => ({ checkId: check.check_id, title: check.title, status: check.status, message: check.message })),
  }));
}
