import crypto from "node:crypto";
import type { Store } from "./database";

/**
 * Single-use re-join links. The link carries a random 256-bit token; the store
 * keeps only its SHA-256, the learner, the expiry and when it was used. Redeeming
 * is one conditional UPDATE (unused and unexpired -> used), so of two uses at
 * the same moment exactly one wins, on SQLite and on PostgreSQL alike.
 */

export type RejoinToken = { token: string; expiresAt: string };
export type RejoinCheck = { ok: true; learnerId: string } | { ok: false; reason: "unknown" | "used" | "expired" };

/** Rows this long past their expiry are deleted when a new link is made. */
const KEEP_EXPIRED_MS = 7 * 24 * 3_600_000;

function tokenId(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export async function createRejoinToken(db: Store, learnerId: string, lifetimeMs: number, now: Date = new Date()): Promise<RejoinToken> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + lifetimeMs).toISOString();
  await db.deleteFrom("rejoin_tokens").where("expires_at", "<", new Date(now.getTime() - KEEP_EXPIRED_MS).toISOString()).execute();
  await db.insertInto("rejoin_tokens").values({ id: tokenId(token), learner_id: learnerId, created_at: now.toISOString(), expires_at: expiresAt, used_at: null }).execute();
  return { token, expiresAt };
}

/** What a token is now, without using it (for the page that asks to continue). */
export async function inspectRejoinToken(db: Store, token: string, now: Date = new Date()): Promise<RejoinCheck> {
  if (!token) return { ok: false, reason: "unknown" };
  const row = await db.selectFrom("rejoin_tokens").select(["learner_id", "expires_at", "used_at"]).where("id", "=", tokenId(token)).executeTakeFirst();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.used_at !== null) return { ok: false, reason: "used" };
  if (row.expires_at <= now.toISOString()) return { ok: false, reason: "expired" };
  return { ok: true, learnerId: row.learner_id };
}

/** Uses a token: its learner the first time, within its lifetime; never again. */
export async function redeemRejoinToken(db: Store, token: string, now: Date = new Date()): Promise<RejoinCheck> {
  if (!token) return { ok: false, reason: "unknown" };
  const stamp = now.toISOString();
  const won = await db
    .updateTable("rejoin_tokens")
    .set({ used_at: stamp })
    .where("id", "=", tokenId(token))
    .where("used_at", "is", null)
    .where("expires_at", ">", stamp)
    .returning("learner_id")
    .executeTakeFirst();
  if (won) return { ok: true, learnerId: won.learner_id };
  // Lost: say why (already used, expired or never issued).
  return inspectRejoinToken(db, token, now);
}
