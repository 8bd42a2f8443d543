import type { ExpressionBuilder } from "kysely";
import type { Store } from "./database";
import type { Database } from "./schema";

export type StoredMessage = { id: string; learnerId: string | null; text: string; sender: string; createdAt: string };

export async function insertMessage(db: Store, message: StoredMessage): Promise<void> {
  await db
    .insertInto("class_messages")
    .values({ id: message.id, learner_id: message.learnerId, text: message.text, sender: message.sender, created_at: message.createdAt })
    .execute();
}

/** The newest messages sent, newest first, with how many learners dismissed each. */
export async function listSentMessages(db: Store, limit: number): Promise<Array<StoredMessage & { dismissals: number }>> {
  const rows = await db
    .selectFrom("class_messages")
    .leftJoin("message_dismissals", "message_dismissals.message_id", "class_messages.id")
    .select(["class_messages.id", "class_messages.learner_id", "class_messages.text", "class_messages.sender", "class_messages.created_at"])
    .select((eb) => eb.fn.count<number>("message_dismissals.learner_id").as("dismissals"))
    .groupBy(["class_messages.id", "class_messages.learner_id", "class_messages.text", "class_messages.sender", "class_messages.created_at"])
    .orderBy("class_messages.created_at", "desc")
    .orderBy("class_messages.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...fromRow(row), dismissals: Number(row.dismissals) }));
}

/**
 * The messages a learner may read: those to them and those to everyone sent since `since`
 * (when they joined), newest first, each with whether they dismissed it.
 */
export async function listLearnerMessages(db: Store, learnerId: string, since: string, limit: number): Promise<Array<StoredMessage & { dismissed: boolean }>> {
  const rows = await db
    .selectFrom("class_messages")
    .leftJoin("message_dismissals", (join) =>
      join.onRef("message_dismissals.message_id", "=", "class_messages.id").on("message_dismissals.learner_id", "=", learnerId),
    )
    .select(["class_messages.id", "class_messages.learner_id", "class_messages.text", "class_messages.sender", "class_messages.created_at", "message_dismissals.dismissed_at"])
    .where((eb) => readableBy(eb, learnerId, since))
    .orderBy("class_messages.created_at", "desc")
    .orderBy("class_messages.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...fromRow(row), dismissed: row.dismissed_at !== null }));
}

/** The message if the learner may read it (see listLearnerMessages), else undefined. */
export async function findLearnerMessage(db: Store, learnerId: string, since: string, messageId: string): Promise<StoredMessage | undefined> {
  const row = await db
    .selectFrom("class_messages")
    .select(["class_messages.id", "class_messages.learner_id", "class_messages.text", "class_messages.sender", "class_messages.created_at"])
    .where("class_messages.id", "=", messageId)
    .where((eb) => readableBy(eb, learnerId, since))
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** To this learner, or to everyone since `since`. */
function readableBy(eb: ExpressionBuilder<Database, "class_messages">, learnerId: string, since: string) {
  return eb.or([eb("class_messages.learner_id", "=", learnerId), eb.and([eb("class_messages.learner_id", "is", null), eb("class_messages.created_at", ">=", since)])]);
}

/** Marks a message dismissed for a learner (again: nothing changes). */
export async function insertDismissal(db: Store, messageId: string, learnerId: string): Promise<void> {
  await db
    .insertInto("message_dismissals")
    .values({ message_id: messageId, learner_id: learnerId, dismissed_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(["message_id", "learner_id"]).doNothing())
    .execute();
}

/** Forgets every message and dismissal (a new class starts without them). */
export async function deleteAllMessages(db: Store): Promise<void> {
  await db.deleteFrom("message_dismissals").execute();
  await db.deleteFrom("class_messages").execute();
}

function fromRow(row: { id: string; learner_id: string | null; text: string; sender: string; created_at: string }): StoredMessage {
  return { id: row.id, learnerId: row.learner_id, text: row.text, sender: row.sender, createdAt: row.created_at };
}
