import type { Store } from "./database";

/** A learner's edits and last outputs of a lesson's cells. */

export async function readSavedCode(db: Store, learnerId: string, lessonSlug: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom("cell_code")
    .select(["cell_id", "code"])
    .where("learner_id", "=", learnerId)
    .where("lesson_slug", "=", lessonSlug)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.cell_id, row.code]));
}

export async function saveCode(db: Store, learnerId: string, lessonSlug: string, cellId: string, code: string): Promise<void> {
  const updated_at = new Date().toISOString();
  await db
    .insertInto("cell_code")
    .values({ learner_id: learnerId, lesson_slug: lessonSlug, cell_id: cellId, code, updated_at })
    .onConflict((oc) => oc.columns(["learner_id", "lesson_slug", "cell_id"]).doUpdateSet({ code, updated_at }))
    .execute();
}

export async function forgetCode(db: Store, learnerId: string, lessonSlug: string, cellId: string): Promise<void> {
  await db.deleteFrom("cell_code").where("learner_id", "=", learnerId).where("lesson_slug", "=", lessonSlug).where("cell_id", "=", cellId).execute();
}

export type StoredOutputs = { outputs: unknown[]; executionCount: number | null; status: string };

export async function readSavedOutputs(db: Store, learnerId: string, lessonSlug: string): Promise<Record<string, StoredOutputs>> {
  const rows = await db
    .selectFrom("cell_outputs")
    .select(["cell_id", "outputs_json", "execution_count", "status"])
    .where("learner_id", "=", learnerId)
    .where("lesson_slug", "=", lessonSlug)
    .execute();
  return Object.fromEntries(
    rows.map((row) => [row.cell_id, { outputs: JSON.parse(row.outputs_json) as unknown[], executionCount: row.execution_count, status: row.status }]),
  );
}

export async function saveOutputs(db: Store, learnerId: string, lessonSlug: string, cellId: string, stored: StoredOutputs): Promise<void> {
  const updated_at = new Date().toISOString();
  const values = { outputs_json: JSON.stringify(stored.outputs), execution_count: stored.executionCount, status: stored.status, updated_at };
  await db
    .insertInto("cell_outputs")
    .values({ learner_id: learnerId, lesson_slug: lessonSlug, cell_id: cellId, ...values })
    .onConflict((oc) => oc.columns(["learner_id", "lesson_slug", "cell_id"]).doUpdateSet(values))
    .execute();
}

export async function recordCellRun(
  db: Store,
  run: { learnerId: string; lessonSlug: string; cellId: string; status: string; durationMs: number; startedAt: Date },
): Promise<void> {
  await db
    .insertInto("cell_runs")
    .values({
      learner_id: run.learnerId,
      lesson_slug: run.lessonSlug,
      cell_id: run.cellId,
      status: run.status,
      duration_ms: Math.round(run.durationMs),
      started_at: run.startedAt.toISOString(),
    })
    .execute();
}

/** Forgets the learner's edits and outputs everywhere (a reset: starter code again). */
export async function clearLearnerCells(db: Store, learnerId: string): Promise<void> {
  await Promise.all([db.deleteFrom("cell_code").where("learner_id", "=", learnerId).execute(), db.deleteFrom("cell_outputs").where("learner_id", "=", learnerId).execute()]);
}

/** Every edit the learner saved, in every lesson. */
export async function allSavedCode(db: Store, learnerId: string) {
  return db.selectFrom("cell_code").selectAll().where("learner_id", "=", learnerId).execute();
}

/** How many cells the learner ran, and how many of those did not end ok. */
export async function cellRunCounts(db: Store, learnerId: string): Promise<{ runs: number; errors: number }> {
  const rows = await db.selectFrom("cell_runs").select(["status"]).where("learner_id", "=", learnerId).execute();
  return { runs: rows.length, errors: rows.filter((run) => run.status !== "ok").length };
}
