import crypto from "node:crypto";
import type { Store } from "./database";

export type SessionRow = { id: string; role: "learner" | "instructor"; learnerId: string | null; expiresAt: string };

export async function createSession(db: Store, role: "learner" | "instructor", learnerId: string | null, hours: number): Promise<SessionRow> {
  const now = new Date();
  const session = {
    id: crypto.randomBytes(24).toString("base64url"),
    role,
    learner_id: learnerId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + hours * 3_600_000).toISOString(),
    revoked_at: null,
  };
  await db.insertInto("sessions").values(session).execute();
  return { id: session.id, role, learnerId, expiresAt: session.expires_at };
}

/** A session that exists, is not revoked and has not expired. */
export async function findLiveSession(db: Store, id: string): Promise<SessionRow | null> {
  const row = await db
    .selectFrom("sessions")
    .selectAll()
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date().toISOString())
    .executeTakeFirst();
  return row ? { id: row.id, role: row.role, learnerId: row.learner_id, expiresAt: row.expires_at } : null;
}

export async function revokeSession(db: Store, id: string): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: new Date().toISOString() }).where("id", "=", id).execute();
}

export async function revokeLearnerSessions(db: Store, learnerId: string): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: new Date().toISOString() }).where("learner_id", "=", learnerId).where("revoked_at", "is", null).execute();
}

/** Signs every learner out (a new class); the instructor stays signed in. */
export async function revokeAllLearnerSessions(db: Store, at: Date): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: at.toISOString() }).where("role", "=", "learner").where("revoked_at", "is", null).execute();
}
