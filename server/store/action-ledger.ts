import type { Store } from "./database";

/**
 * Who is doing a limited action (a Check) now, and when each actor last did it: what a
 * per-actor limit needs to see. In the store, every course instance sees the same ledger.
 */
export type ActionLedger = {
  /** Marks `actor` as doing `action` until `untilMs` (or until released); false if they already are. */
  claim(action: string, actor: string, untilMs: number, nowMs: number): Promise<boolean>;
  release(action: string, actor: string): Promise<void>;
  /** How many times `actor` did `action` since `sinceMs`, and when the oldest of those was (null: none). */
  since(action: string, actor: string, sinceMs: number): Promise<ActionTally>;
  /** Records that `actor` did `action` at `atMs`, forgetting records of `action` before `forgetBeforeMs` (in the store: everyone's). */
  record(action: string, actor: string, atMs: number, forgetBeforeMs: number): Promise<void>;
};

export type ActionTally = { count: number; oldestMs: number | null };

/** A ledger in this process's memory: for one process, and for tests. */
export function memoryActionLedger(): ActionLedger {
  const running = new Map<string, number>();
  const done = new Map<string, number[]>();
  const key = (action: string, actor: string) => `${action}\u0000${actor}`;
  return {
    async claim(action, actor, untilMs, nowMs) {
      const until = running.get(key(action, actor));
      if (until !== undefined && until >= nowMs) return false;
      running.set(key(action, actor), untilMs);
      return true;
    },
    async release(action, actor) {
      running.delete(key(action, actor));
    },
    async since(action, actor, sinceMs) {
      const recent = (done.get(key(action, actor)) ?? []).filter((at) => at >= sinceMs);
      return { count: recent.length, oldestMs: recent.length ? Math.min(...recent) : null };
    },
    async record(action, actor, atMs, forgetBeforeMs) {
      done.set(key(action, actor), [...(done.get(key(action, actor)) ?? []).filter((at) => at >= forgetBeforeMs), atMs]);
    },
  };
}

/** The ledger in the progress store (SQLite or PostgreSQL), shared by every course instance. */
export function storeActionLedger(db: Store): ActionLedger {
  return {
    async claim(action, actor, untilMs, nowMs) {
      // A claim left by an instance that died mid-action frees itself at its `until_ms`.
      await db.deleteFrom("actions_in_flight").where("action", "=", action).where("actor", "=", actor).where("until_ms", "<", nowMs).execute();
      const result = await db
        .insertInto("actions_in_flight")
        .values({ action, actor, until_ms: untilMs })
        .onConflict((oc) => oc.columns(["action", "actor"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async release(action, actor) {
      await db.deleteFrom("actions_in_flight").where("action", "=", action).where("actor", "=", actor).execute();
    },
    async since(action, actor, sinceMs) {
      // A count, not the rows: an address at the class-code limit has a thousand.
      const tally = await db
        .selectFrom("action_log")
        .select((eb) => [eb.fn.countAll().as("count"), eb.fn.min("at_ms").as("oldest")])
        .where("action", "=", action)
        .where("actor", "=", actor)
        .where("at_ms", ">=", sinceMs)
        .executeTakeFirstOrThrow();
      const count = Number(tally.count);
      return { count, oldestMs: count === 0 ? null : Number(tally.oldest) };
    },
    async record(action, actor, atMs, forgetBeforeMs) {
      // Everyone's old records go, so actors seen once (a guessing address) do not pile up.
      await db.deleteFrom("action_log").where("action", "=", action).where("at_ms", "<", forgetBeforeMs).execute();
      await db.insertInto("action_log").values({ action, actor, at_ms: atMs }).execute();
    },
  };
}
