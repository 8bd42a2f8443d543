import type { ExpressionBuilder } from "kysely";
import type { Store } from "./database";
import type { Database } from "./schema";

/** A learner still in the course: not removed. */
export const isActive = (eb: ExpressionBuilder<Database, "learners">) => eb("learners.removed_at", "is", null);

/** A learner of the current class: not removed, with an MLflow workspace (the solo learner has none). */
export const inCurrentClass = (eb: ExpressionBuilder<Database, "learners">) => eb.and([eb("learners.removed_at", "is", null), eb("learners.workspace", "is not", null)]);

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
  return db.selectFrom("learners").selectAll().where("id", "=", id).where(isActive).executeTakeFirst();
}

/** The learner's MLflow workspace (classroom mode), or null. */
export async function learnerWorkspace(db: Store, id: string): Promise<string | null> {
  const row = await db.selectFrom("learners").select("workspace").where("id", "=", id).executeTakeFirst();
  return row?.workspace ?? null;
}

/** An active learner whose name key is `nameKey` (other than `exceptId`), or undefined. */
export async function findActiveLearnerByNameKey(db: Store, nameKey: string, exceptId?: string) {
  let query = db.selectFrom("learners").select(["id", "display_name"]).where("name_key", "=", nameKey).where(isActive);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return query.executeTakeFirst();
}

/**
 * Adds a classroom learner with their workspace. False (nothing written) when an
 * active learner already has the name key: the unique index decides, so two
 * people joining as "Alice" at the same moment cannot both get in.
 */
export async function insertClassLearner(db: Store, learner: { id: string; displayName: string; nameKey: string; workspace: string }): Promise<boolean> {
  const now = new Date().toISOString();
  const inserted = await db
    .insertInto("learners")
    .values({
      id: learner.id,
      display_name: learner.displayName,
      name_key: learner.nameKey,
      created_at: now,
      last_seen_at: now,
      last_lesson: null,
      workspace: learner.workspace,
      removed_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Renames an active learner; false when another active learner has the name key. */
export async function renameClassLearner(db: Store, id: string, displayName: string, nameKey: string): Promise<boolean> {
  try {
    await db.updateTable("learners").set({ display_name: displayName, name_key: nameKey }).where("id", "=", id).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** A unique-constraint failure, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The current class's learners, in the order they joined. */
export async function classLearners(db: Store) {
  return db.selectFrom("learners").selectAll().where(inCurrentClass).orderBy("created_at").execute();
}

/** Gives the learner a new MLflow workspace (a reset). */
export async function setLearnerWorkspace(db: Store, id: string, workspace: string): Promise<void> {
  await db.updateTable("learners").set({ workspace }).where("id", "=", id).execute();
}

/** Takes the learner out of the class (their history stays). */
export async function markLearnerRemoved(db: Store, id: string, at = new Date()): Promise<void> {
  await db.updateTable("learners").set({ removed_at: at.toISOString() }).where("id", "=", id).execute();
}

/** Takes every learner of the current class out of it (a new class); returns their ids. */
export async function archiveClassLearners(db: Store, at: Date): Promise<string[]> {
  const learners = await db.selectFrom("learners").select("id").where(inCurrentClass).execute();
  await db.updateTable("learners").set({ removed_at: at.toISOString() }).where(inCurrentClass).execute();
  return learners.map((row) => row.id);
}

/** Display names of the learners `ids`, by id. */
export async function learnerNames(db: Store, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom("learners").select(["id", "display_name"]).where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** When the learner joined, or null for no such learner. */
export async function learnerJoinedAt(db: Store, id: string): Promise<string | null> {
  const row = await db.selectFrom("learners").select("created_at").where("id", "=", id).executeTakeFirst();
  return row?.created_at ?? null;
}
