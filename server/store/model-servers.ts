import type { Selectable } from "kysely";
import type { ModelServerState, ModelServerStatus } from "@/contracts/model-server";
import type { Store } from "./database";
import type { Database } from "./schema";

/** What every course instance knows of a learner's model server. */
export type ServerRecord = ModelServerStatus & {
  learnerId: string;
  /** The course instance whose process it is. */
  instanceId: string;
  /** Where a course instance calls it (the owner's bridge into a sandbox, or `url`). */
  reachUrl: string;
  lastUsedMs: number;
  heartbeatMs: number;
};

/**
 * Which instance runs each learner's model server, shared by every course instance (the store),
 * or by one (memory). Writes by an owner are conditional on still being the owner, so an
 * instance that lost a server to a newer start never overwrites the newer one.
 */
export interface ServerDirectory {
  get(learnerId: string): Promise<ServerRecord | undefined>;
  /** Records a new server, replacing whatever the learner had. */
  put(record: ServerRecord): Promise<void>;
  /**
   * Updates the owner's record of the server it started at `startedAt`, while that record says it
   * is starting or ready; false when it is no longer the owner's, or a stop was recorded meanwhile.
   */
  update(learnerId: string, instanceId: string, startedAt: number, changes: Partial<Pick<ServerRecord, "state" | "readyAt" | "reason" | "log" | "heartbeatMs">>): Promise<boolean>;
  /** Marks a starting or ready server stopped, whoever runs it; false when none was. */
  markStopped(learnerId: string, logLine: string): Promise<boolean>;
  touch(learnerId: string, atMs: number): Promise<void>;
  /** Every record of a starting or ready server. */
  live(): Promise<ServerRecord[]>;
  /** The owner's heartbeat over all the servers it runs. */
  heartbeat(instanceId: string, atMs: number): Promise<void>;
}

export const isLive = (state: ModelServerState) => state === "starting" || state === "ready";

export function memoryServerDirectory(): ServerDirectory {
  const records = new Map<string, ServerRecord>();
  const copy = (record: ServerRecord): ServerRecord => ({ ...record, log: [...record.log] });
  return {
    async get(learnerId) {
      const record = records.get(learnerId);
      return record && copy(record);
    },
    async put(record) {
      records.set(record.learnerId, copy(record));
    },
    async update(learnerId, instanceId, startedAt, changes) {
      const record = records.get(learnerId);
      if (!record || record.instanceId !== instanceId || record.startedAt !== startedAt || !isLive(record.state)) return false;
      records.set(learnerId, copy({ ...record, ...changes }));
      return true;
    },
    async markStopped(learnerId, logLine) {
      const record = records.get(learnerId);
      if (!record || !isLive(record.state)) return false;
      records.set(learnerId, { ...record, state: "stopped", log: [...record.log, logLine] });
      return true;
    },
    async touch(learnerId, atMs) {
      const record = records.get(learnerId);
      if (record) record.lastUsedMs = Math.max(record.lastUsedMs, atMs);
    },
    async live() {
      return [...records.values()].filter((record) => isLive(record.state)).map(copy);
    },
    async heartbeat(instanceId, atMs) {
      for (const record of records.values()) if (record.instanceId === instanceId && isLive(record.state)) record.heartbeatMs = atMs;
    },
  };
}

type Row = Selectable<Database["model_servers"]>;

const LIVE_STATES: ModelServerState[] = ["starting", "ready"];

function toRecord(row: Row): ServerRecord {
  return {
    learnerId: row.learner_id,
    instanceId: row.instance_id,
    state: row.state as ModelServerState,
    modelUri: row.model_uri,
    port: Number(row.port),
    ...(row.version !== null ? { version: row.version } : {}),
    command: row.command,
    url: row.url,
    reachUrl: row.reach_url,
    startedAt: Number(row.started_at_ms),
    ...(row.ready_at_ms !== null ? { readyAt: Number(row.ready_at_ms) } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    log: JSON.parse(row.log_json) as string[],
    lastUsedMs: Number(row.last_used_ms),
    heartbeatMs: Number(row.heartbeat_ms),
  };
}

function toRow(record: ServerRecord): Row {
  return {
    learner_id: record.learnerId,
    instance_id: record.instanceId,
    state: record.state,
    model_uri: record.modelUri,
    port: record.port,
    version: record.version ?? null,
    command: record.command,
    url: record.url,
    reach_url: record.reachUrl,
    started_at_ms: record.startedAt,
    ready_at_ms: record.readyAt ?? null,
    reason: record.reason ?? null,
    log_json: JSON.stringify(record.log),
    last_used_ms: record.lastUsedMs,
    heartbeat_ms: record.heartbeatMs,
  };
}

/** The model server directory in the store: what several course instances share. */
export function storeServerDirectory(db: Store): ServerDirectory {
  const get = async (learnerId: string) => {
    const row = await db.selectFrom("model_servers").selectAll().where("learner_id", "=", learnerId).executeTakeFirst();
    return row && toRecord(row);
  };
  return {
    get,
    async put(record) {
      const { learner_id: _key, ...rest } = toRow(record);
      await db
        .insertInto("model_servers")
        .values(toRow(record))
        .onConflict((oc) => oc.column("learner_id").doUpdateSet(rest))
        .execute();
    },
    async update(learnerId, instanceId, startedAt, changes) {
      const set: Partial<Row> = {};
      if (changes.state !== undefined) set.state = changes.state;
      if (changes.readyAt !== undefined) set.ready_at_ms = changes.readyAt;
      if (changes.reason !== undefined) set.reason = changes.reason;
      if (changes.log !== undefined) set.log_json = JSON.stringify(changes.log);
      if (changes.heartbeatMs !== undefined) set.heartbeat_ms = changes.heartbeatMs;
      const result = await db
        .updateTable("model_servers")
        .set(set)
        .where("learner_id", "=", learnerId)
        .where("instance_id", "=", instanceId)
        .where("started_at_ms", "=", startedAt)
        .where("state", "in", LIVE_STATES)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markStopped(learnerId, logLine) {
      const record = await get(learnerId);
      if (!record || !LIVE_STATES.includes(record.state)) return false;
      // Conditional on the same start: a newer server of the learner's is not this stop's.
      const result = await db
        .updateTable("model_servers")
        .set({ state: "stopped", log_json: JSON.stringify([...record.log, logLine]) })
        .where("learner_id", "=", learnerId)
        .where("instance_id", "=", record.instanceId)
        .where("started_at_ms", "=", record.startedAt)
        .where("state", "in", LIVE_STATES)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async touch(learnerId, atMs) {
      await db.updateTable("model_servers").set({ last_used_ms: atMs }).where("learner_id", "=", learnerId).where("last_used_ms", "<", atMs).execute();
    },
    async live() {
      const rows = await db.selectFrom("model_servers").selectAll().where("state", "in", LIVE_STATES).execute();
      return rows.map(toRecord);
    },
    async heartbeat(instanceId, atMs) {
      await db.updateTable("model_servers").set({ heartbeat_ms: atMs }).where("instance_id", "=", instanceId).where("state", "in", LIVE_STATES).execute();
    },
  };
}
