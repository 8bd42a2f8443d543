import type { Store } from "./database";

export async function ensureLearner(db: Store, id: string, displayName: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("learners")
    .values({ id, display_name: displayName, created_at: now, last_seen_at: now, last_lesson: null, workspace: null, removed_at: null })
    .onConflict((oc) => oc.column("id").doUpdateSet({ last_seen_at: now }))
    .execute();
}

export async function rememberLesson(db: Store, id: string, lessonSlug: string): Promise<void> {
  await db.updateTable("learners").set({ last_lesson: lessonSlug, last_seen_at: new Date().toISOString() }).where("id", "=", id).execute();
}

export async function lastLesson(db: Store, id: string): Promise<string | null> {
  const row = await db.selectFrom("learners").select("last_lesson").where("id", "=", id).executeTakeFirst();
  return row?.last_lesson ?? null;
}

/** A learner still in the class (not removed), or undefined. */
export async function findActiveLearner(db: Store, id: string) {
  return db.selectFrom("learners").selectAll().where("id", "=", id).where("removed_at", "is", null).executeTakeFirst();
}

/** The learner's MLflow workspace (classroom mode), or null. */
export async function learnerWorkspace(db: Store, id: string): Promise<string | null> {
  const row = await db.selectFrom("learners").select("workspace").where("id", "=", id).executeTakeFirst();
  return row?.workspace ?? null;
}
