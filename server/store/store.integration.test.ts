import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql } from "kysely";
import { REPORT_VERSION } from "@/contracts/report";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, NO_TEST_POSTGRES, type TestDatabase } from "../testing/test-postgres";
import { storeActionLedger } from "./action-ledger";
import { deleteAllMessages, findLearnerMessage, insertDismissal, insertMessage, listLearnerMessages, listSentMessages } from "./class-messages";
import { forgetKernelId, rememberKernelId, rememberedKernelId } from "./learner-kernels";
import { storeServerDirectory } from "./model-servers";
import type { CheckResult, ExerciseReport, ReportStatus } from "@/grader/report";
import { completedExercises, countedAttempts, recordAttempt } from "./attempts";
import { forgetCode, readSavedCode, readSavedOutputs, recordCellRun, saveCode, saveOutputs } from "./cells";
import { openStore, storeTarget, type OpenedStore, type Store, type StoreTarget } from "./database";
import { ensureLearner, findActiveLearnerByNameKey, insertClassLearner, lastLesson, rememberLesson, renameClassLearner } from "./learners";
import { migrations } from "./migrations";
import { createRejoinToken, inspectRejoinToken, redeemRejoinToken } from "./rejoin-tokens";
import { createSession, findLiveSession, revokeLearnerSessions, revokeSession } from "./sessions";
import { deleteSetting, readSetting, replaceSetting, writeSetting, writeSettingOnce } from "./settings";

/**
 * The progress store against both of its databases: a SQLite file in a
 * temporary folder, and a real PostgreSQL (TEST_DATABASE_URL, which `npm test`
 * sets after starting a throwaway cluster; see scripts/testing/postgres.mjs).
 * Each suite gets a fresh database, so the migrations run from scratch. The
 * expectations are exact (`toStrictEqual`): both dialects must return the same
 * JS values, not merely similar ones.
 */

const ALL_MIGRATIONS = Object.keys(migrations);
const TABLES = [
  "learners",
  "settings",
  "sessions",
  "cell_code",
  "cell_outputs",
  "cell_runs",
  "attempts",
  "check_results",
  "exercise_completions",
  "rejoin_tokens",
  "learner_kernels",
  "action_log",
  "actions_in_flight",
  "model_servers",
  "class_messages",
  "message_dismissals",
] as const;

/** A place for one fresh store: `create()` makes an empty database, `dispose()` deletes it. */
type Backend = { name: string; create(): Promise<StoreTarget>; dispose(): Promise<void> };

function sqliteBackend(): Backend {
  let dir: string | undefined;
  return {
    name: "SQLite",
    async create() {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-store-"));
      return { dialect: "sqlite", file: path.join(dir, "course.db") };
    },
    async dispose() {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const databases: TestDatabase[] = [];
  return {
    name: "PostgreSQL",
    async create() {
      // A database of its own for each run: the migrations start from nothing, and nothing is left behind.
      const database = await createTestDatabase("store_test");
      databases.push(database);
      return { dialect: "postgres", url: database.url };
    },
    async dispose() {
      for (const database of databases.splice(0)) await database.drop();
    },
  };
}

/** A store on `target` with no migration run (to test an upgrade from an older schema). */
async function openRaw(target: StoreTarget): Promise<{ db: Store }> {
  if (target.dialect === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const { Kysely, SqliteDialect } = await import("kysely");
    return { db: new Kysely({ dialect: new SqliteDialect({ database: new Sqlite(target.file) }) }) };
  }
  const { Kysely, PostgresDialect } = await import("kysely");
  return { db: new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 2 }) }) }) };
}

function report(exercise: string, status: ReportStatus, startedAt: string, checks: CheckResult[] = [], runId?: string): ExerciseReport {
  return {
    exercise,
    learner: "ignored-by-the-store",
    startedAt,
    durationMs: 1234,
    status,
    checks,
    ...(runId ? { gradedRun: { runId, link: `/mlflow/#/runs/${runId}` } } : {}),
  };
}

const check = (id: string, status: CheckResult["status"], message = `${id} is ${status}`): CheckResult => ({ id, title: `Check ${id}`, status, message });

function storeSuite(backend: Backend) {
  describe(`progress store on ${backend.name}`, () => {
    let target: StoreTarget;
    let opened: OpenedStore;
    let db: Store;

    beforeAll(async () => {
      target = await backend.create();
      opened = await openStore(target);
      db = opened.db;
    });
    afterAll(async () => {
      await db?.destroy();
      await backend.dispose();
    });

    it("applies every migration, in order, on first open", async () => {
      expect(opened.dialect).toBe(target.dialect);
      expect(opened.migrated).toStrictEqual(ALL_MIGRATIONS);
      for (const table of TABLES) {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
        expect(row.n, table).toBe(0);
      }
    });

    it("gives existing class learners name keys on upgrade, the first of a doubled name keeping it", async () => {
      // An empty database of its own, migrated by hand up to the release before name keys.
      const fresh: StoreTarget = target.dialect === "sqlite" ? { dialect: "sqlite", file: path.join(path.dirname(target.file), "upgrade.db") } : await backend.create();
      const { db: raw } = await openRaw(fresh);
      try {
        const migrator = new Migrator({ db: raw, provider: { getMigrations: async () => migrations } });
        const upTo = await migrator.migrateTo("0003-rejoin-tokens");
        expect(upTo.error).toBeUndefined();
        const at = (minute: number) => new Date(Date.UTC(2026, 4, 20, 9, minute)).toISOString();
        const learner = (id: string, name: string, minute: number, extra: { workspace?: string | null; removed_at?: string | null } = {}) => ({
          id,
          display_name: name,
          created_at: at(minute),
          last_seen_at: at(minute),
          last_lesson: null,
          workspace: `learner-${id}`,
          removed_at: null,
          ...extra,
        });
        await sql`insert into learners (id, display_name, created_at, last_seen_at, last_lesson, workspace, removed_at) values
          ${sql.join(
            [
              learner("a1", "Alice", 1),
              learner("a2", "alice", 2),
              learner("a3", "ＡＬＩＣＥ", 3),
              learner("b1", "Bob", 4),
              learner("gone", "Bob", 0, { removed_at: at(5) }),
              learner("local", "You", 0, { workspace: null }),
            ].map((row) => sql`(${row.id}, ${row.display_name}, ${row.created_at}, ${row.last_seen_at}, ${row.last_lesson}, ${row.workspace}, ${row.removed_at})`),
          )}`.execute(raw);
        const rest = await migrator.migrateToLatest();
        expect(rest.error).toBeUndefined();
        const keys = await raw.selectFrom("learners").select(["id", "name_key"]).orderBy("id").execute();
        expect(keys).toStrictEqual([
          { id: "a1", name_key: "alice" },
          { id: "a2", name_key: null },
          { id: "a3", name_key: null },
          { id: "b1", name_key: "bob" },
          { id: "gone", name_key: null },
          { id: "local", name_key: null },
        ]);
        expect(await insertClassLearner(raw, { id: "a4", displayName: "ALICE", nameKey: "alice", workspace: "learner-a4-x" })).toBe(false);
      } finally {
        await raw.destroy();
      }
    });

    it("runs no migration when opened again (migrations are idempotent)", async () => {
      const again = await openStore(target);
      try {
        expect(again.migrated).toStrictEqual([]);
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again.db);
        expect(applied.rows.map((row) => row.name)).toStrictEqual(ALL_MIGRATIONS);
      } finally {
        await again.db.destroy();
      }
    });

    it("saves, overwrites, reads and forgets a learner's code", async () => {
      await saveCode(db, "code-a", "tracking", "cell-1", "print(1)");
      await saveCode(db, "code-a", "tracking", "cell-2", "x = 'héllo ✓'\n");
      await saveCode(db, "code-a", "tracking", "cell-1", "print(2)");
      await saveCode(db, "code-a", "registry", "cell-1", "other lesson");
      await saveCode(db, "code-b", "tracking", "cell-1", "other learner");
      expect(await readSavedCode(db, "code-a", "tracking")).toStrictEqual({ "cell-1": "print(2)", "cell-2": "x = 'héllo ✓'\n" });

      await forgetCode(db, "code-a", "tracking", "cell-1");
      expect(await readSavedCode(db, "code-a", "tracking")).toStrictEqual({ "cell-2": "x = 'héllo ✓'\n" });
      expect(await readSavedCode(db, "code-b", "tracking")).toStrictEqual({ "cell-1": "other learner" });
      expect(await readSavedCode(db, "nobody", "tracking")).toStrictEqual({});
    });

    it("saves and reads a cell's outputs, execution count and status", async () => {
      const outputs = [{ type: "stream", name: "stdout", text: "42\n" }, { type: "html", html: "<b>ok</b>", nested: { list: [1, 2.5, null, true] } }];
      await saveOutputs(db, "out-a", "tracking", "cell-1", { outputs, executionCount: 3, status: "ok" });
      await saveOutputs(db, "out-a", "tracking", "cell-2", { outputs: [], executionCount: null, status: "error" });
      expect(await readSavedOutputs(db, "out-a", "tracking")).toStrictEqual({
        "cell-1": { outputs, executionCount: 3, status: "ok" },
        "cell-2": { outputs: [], executionCount: null, status: "error" },
      });
      await saveOutputs(db, "out-a", "tracking", "cell-1", { outputs: [{ type: "stream", text: "again" }], executionCount: 4, status: "ok" });
      expect((await readSavedOutputs(db, "out-a", "tracking"))["cell-1"]).toStrictEqual({ outputs: [{ type: "stream", text: "again" }], executionCount: 4, status: "ok" });
    });

    it("records cell runs with numbered ids and whole-millisecond durations", async () => {
      const startedAt = new Date("2026-05-20T10:00:00.000Z");
      await recordCellRun(db, { learnerId: "runs-a", lessonSlug: "tracking", cellId: "cell-1", status: "ok", durationMs: 12.6, startedAt });
      await recordCellRun(db, { learnerId: "runs-a", lessonSlug: "tracking", cellId: "cell-2", status: "error", durationMs: 3000, startedAt });
      const rows = await db.selectFrom("cell_runs").selectAll().where("learner_id", "=", "runs-a").orderBy("id").execute();
      expect(rows.map(({ id: _id, ...rest }) => rest)).toStrictEqual([
        { learner_id: "runs-a", lesson_slug: "tracking", cell_id: "cell-1", status: "ok", duration_ms: 13, started_at: "2026-05-20T10:00:00.000Z" },
        { learner_id: "runs-a", lesson_slug: "tracking", cell_id: "cell-2", status: "error", duration_ms: 3000, started_at: "2026-05-20T10:00:00.000Z" },
      ]);
      expect(rows.map((row) => typeof row.id)).toStrictEqual(["number", "number"]);
      expect(rows[1].id).toBeGreaterThan(rows[0].id);
    });

    it("stores an attempt with its checks in order and the graded run", async () => {
      const checks = [check("experiment", "passed"), check("param-num-trees", "failed", "param `num_trees` missing"), check("model", "skipped")];
      const id = await recordAttempt(db, "att-a", report("tracking-exercise", "failed", "2026-05-20T10:00:00.000Z", checks, "run-123"));
      const attempt = await db.selectFrom("attempts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      expect(attempt).toStrictEqual({
        id,
        learner_id: "att-a",
        exercise: "tracking-exercise",
        status: "failed",
        counted: 1,
        started_at: "2026-05-20T10:00:00.000Z",
        duration_ms: 1234,
        graded_run_id: "run-123",
        // The report's version it was stored with (contracts/report.ts).
        report_version: REPORT_VERSION,
      });
      const stored = await db.selectFrom("check_results").selectAll().where("attempt_id", "=", id).orderBy("position").execute();
      expect(stored).toStrictEqual(
        checks.map((c, position) => ({ attempt_id: id, position, check_id: c.id, title: c.title, status: c.status, message: c.message })),
      );
      // A report without checks (e.g. the platform failed before any ran) is stored too,
      // and a fractional duration is stored in whole milliseconds (PostgreSQL's integer refuses 12.5).
      const bare = await recordAttempt(db, "att-a", { ...report("model-registry", "error", "2026-05-20T10:01:00.000Z"), durationMs: 12.5 });
      expect(await db.selectFrom("check_results").selectAll().where("attempt_id", "=", bare).execute()).toStrictEqual([]);
      expect(await db.selectFrom("attempts").select(["graded_run_id", "duration_ms", "counted"]).where("id", "=", bare).executeTakeFirstOrThrow()).toStrictEqual({
        graded_run_id: null,
        duration_ms: 13,
        counted: 0,
      });
    });

    it("counts failed and passed attempts but never platform errors", async () => {
      await recordAttempt(db, "count-a", report("tracking-exercise", "failed", "2026-05-20T10:00:00.000Z", [check("x", "failed")]));
      await recordAttempt(db, "count-a", report("tracking-exercise", "error", "2026-05-20T10:01:00.000Z", [check("x", "error", "MLflow is unreachable")]));
      await recordAttempt(db, "count-a", report("tracking-exercise", "error", "2026-05-20T10:02:00.000Z"));
      await recordAttempt(db, "count-a", report("tracking-exercise", "passed", "2026-05-20T10:03:00.000Z", [check("x", "passed")]));
      await recordAttempt(db, "count-a", report("model-registry", "failed", "2026-05-20T10:04:00.000Z"));

      const counted = await countedAttempts(db, "count-a", "tracking-exercise");
      expect(counted).toBe(2);
      expect(typeof counted).toBe("number");
      expect(await countedAttempts(db, "count-a", "model-registry")).toBe(1);
      expect(await countedAttempts(db, "count-a", "model-serving")).toBe(0);
      expect(await countedAttempts(db, "nobody", "tracking-exercise")).toBe(0);

      const rows = await db.selectFrom("attempts").select(["status", "counted"]).where("learner_id", "=", "count-a").orderBy("started_at").execute();
      expect(rows).toStrictEqual([
        { status: "failed", counted: 1 },
        { status: "error", counted: 0 },
        { status: "error", counted: 0 },
        { status: "passed", counted: 1 },
        { status: "failed", counted: 1 },
      ]);
    });

    it("marks an exercise complete on its first pass and keeps that time", async () => {
      await recordAttempt(db, "done-a", report("tracking-example", "failed", "2026-05-20T09:00:00.000Z"));
      expect(await completedExercises(db, "done-a")).toStrictEqual(new Set());
      await recordAttempt(db, "done-a", report("tracking-example", "passed", "2026-05-20T10:00:00.000Z"));
      await recordAttempt(db, "done-a", report("tracking-example", "passed", "2026-05-20T11:00:00.000Z"));
      await recordAttempt(db, "done-a", report("model-registry", "error", "2026-05-20T11:30:00.000Z"));
      await recordAttempt(db, "done-b", report("model-registry", "passed", "2026-05-20T12:00:00.000Z"));

      expect(await completedExercises(db, "done-a")).toStrictEqual(new Set(["tracking-example"]));
      expect(await completedExercises(db, "done-b")).toStrictEqual(new Set(["model-registry"]));
      const completions = await db.selectFrom("exercise_completions").selectAll().where("learner_id", "=", "done-a").execute();
      expect(completions).toStrictEqual([{ learner_id: "done-a", exercise: "tracking-example", first_passed_at: "2026-05-20T10:00:00.000Z" }]);
    });

    it("creates a learner once, keeps their name, and remembers where they left off", async () => {
      await ensureLearner(db, "ada", "Ada");
      const first = await db.selectFrom("learners").selectAll().where("id", "=", "ada").executeTakeFirstOrThrow();
      expect(first).toStrictEqual({
        id: "ada",
        display_name: "Ada",
        created_at: first.created_at,
        last_seen_at: first.created_at,
        last_lesson: null,
        workspace: null,
        removed_at: null,
        name_key: null,
      });
      expect(await lastLesson(db, "ada")).toBeNull();

      await new Promise((resolve) => setTimeout(resolve, 5));
      await ensureLearner(db, "ada", "Somebody Else");
      const again = await db.selectFrom("learners").selectAll().where("id", "=", "ada").executeTakeFirstOrThrow();
      expect(again.display_name).toBe("Ada");
      expect(again.created_at).toBe(first.created_at);
      expect(again.last_seen_at > first.last_seen_at).toBe(true);

      await rememberLesson(db, "ada", "model-registry");
      expect(await lastLesson(db, "ada")).toBe("model-registry");
      await rememberLesson(db, "ada", "tracking");
      expect(await lastLesson(db, "ada")).toBe("tracking");
      expect(await lastLesson(db, "nobody")).toBeNull();
      // Remembering a lesson for a learner who was never created changes nothing.
      await rememberLesson(db, "nobody", "tracking");
      expect(await lastLesson(db, "nobody")).toBeNull();
    });

    it("keeps classroom settings and sessions", async () => {
      expect(await readSetting(db, "class_code")).toBeNull();
      await writeSetting(db, "class_code", "ABC123");
      await writeSetting(db, "class_code", "XYZ789");
      expect(await readSetting(db, "class_code")).toBe("XYZ789");

      await ensureLearner(db, "sess-a", "Grace");
      const session = await createSession(db, "learner", "sess-a", 12);
      expect(await findLiveSession(db, session.id)).toStrictEqual(session);
      const instructor = await createSession(db, "instructor", null, 12);
      expect((await findLiveSession(db, instructor.id))?.learnerId).toBeNull();
      const expired = await createSession(db, "learner", "sess-a", -1);
      expect(await findLiveSession(db, expired.id)).toBeNull();
      await revokeSession(db, instructor.id);
      expect(await findLiveSession(db, instructor.id)).toBeNull();
      await revokeLearnerSessions(db, "sess-a");
      expect(await findLiveSession(db, session.id)).toBeNull();
    });

    it("keeps the instructor's messages: a learner reads theirs and those to everyone since they joined, dismissals counted", async () => {
      const message = (id: string, learnerId: string | null, createdAt: string) => ({ id, learnerId, text: `<b>${id}</b> & "quoted"`, sender: "instructor", createdAt });
      await insertMessage(db, message("m-before", null, "2026-01-01T09:00:00.000Z"));
      await insertMessage(db, message("m-all", null, "2026-01-01T10:00:00.000Z"));
      await insertMessage(db, message("m-ada", "msg-ada", "2026-01-01T10:01:00.000Z"));
      await insertMessage(db, message("m-bob", "msg-bob", "2026-01-01T10:02:00.000Z"));
      const since = "2026-01-01T09:30:00.000Z";
      const ada = await listLearnerMessages(db, "msg-ada", since, 100);
      expect(ada).toStrictEqual([
        { ...message("m-ada", "msg-ada", "2026-01-01T10:01:00.000Z"), dismissed: false },
        { ...message("m-all", null, "2026-01-01T10:00:00.000Z"), dismissed: false },
      ]);
      expect((await listLearnerMessages(db, "msg-bob", since, 100)).map((m) => m.id)).toStrictEqual(["m-bob", "m-all"]);
      expect(await findLearnerMessage(db, "msg-ada", since, "m-bob")).toBeUndefined();
      expect(await findLearnerMessage(db, "msg-ada", since, "m-before")).toBeUndefined();
      expect((await findLearnerMessage(db, "msg-ada", since, "m-all"))?.id).toBe("m-all");

      await insertDismissal(db, "m-all", "msg-ada");
      await insertDismissal(db, "m-all", "msg-ada");
      await insertDismissal(db, "m-all", "msg-bob");
      expect((await listLearnerMessages(db, "msg-ada", since, 100)).map((m) => [m.id, m.dismissed])).toStrictEqual([["m-ada", false], ["m-all", true]]);
      expect((await listLearnerMessages(db, "msg-bob", since, 100)).map((m) => [m.id, m.dismissed])).toStrictEqual([["m-bob", false], ["m-all", true]]);
      const sent = await listSentMessages(db, 100);
      expect(sent.map((m) => [m.id, m.dismissals])).toStrictEqual([["m-bob", 0], ["m-ada", 0], ["m-all", 2], ["m-before", 0]]);
      expect((await listSentMessages(db, 1)).map((m) => m.id)).toStrictEqual(["m-bob"]);

      await deleteAllMessages(db);
      expect(await listSentMessages(db, 100)).toStrictEqual([]);
      expect(await db.selectFrom("message_dismissals").selectAll().execute()).toStrictEqual([]);
    });

    it("forgets a setting", async () => {
      await writeSetting(db, "to-forget", "x");
      await deleteSetting(db, "to-forget");
      expect(await readSetting(db, "to-forget")).toBeNull();
      await deleteSetting(db, "never-set");
    });

    it("writes a setting once, and replaces it only while it still has the expected value", async () => {
      expect(await writeSettingOnce(db, "once", "first")).toBe("first");
      expect(await writeSettingOnce(db, "once", "second")).toBe("first");
      const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => writeSettingOnce(db, "once-racing", `value-${i}`)));
      expect(new Set(racing).size).toBe(1);
      expect(await replaceSetting(db, "once", "first", "third")).toBe("third");
      expect(await replaceSetting(db, "once", "first", "fourth")).toBe("third");
    });

    it("keeps one active learner per name key, freed when the learner is removed", async () => {
      const alice = { id: "nk-alice", displayName: "Alice", nameKey: "alice", workspace: "learner-nk-alice-000000000001" };
      expect(await insertClassLearner(db, alice)).toBe(true);
      const row = await db.selectFrom("learners").selectAll().where("id", "=", alice.id).executeTakeFirstOrThrow();
      expect(row).toStrictEqual({
        id: alice.id,
        display_name: "Alice",
        name_key: "alice",
        workspace: alice.workspace,
        created_at: row.created_at,
        last_seen_at: row.created_at,
        last_lesson: null,
        removed_at: null,
      });
      expect(await findActiveLearnerByNameKey(db, "alice")).toStrictEqual({ id: alice.id, display_name: "Alice" });
      expect(await findActiveLearnerByNameKey(db, "alice", alice.id)).toBeUndefined();

      // Two more "Alice"s at the same moment: the unique index lets none of them in.
      const twins = await Promise.all(
        ["nk-twin-1", "nk-twin-2"].map((id) => insertClassLearner(db, { id, displayName: "ALICE", nameKey: "alice", workspace: `learner-${id}-000000000001` })),
      );
      expect(twins).toStrictEqual([false, false]);
      expect(await db.selectFrom("learners").select("id").where("name_key", "=", "alice").execute()).toHaveLength(1);

      // Renaming onto a taken name is refused; onto a free one works.
      expect(await insertClassLearner(db, { id: "nk-bob", displayName: "Bob", nameKey: "bob", workspace: "learner-nk-bob-000000000001" })).toBe(true);
      expect(await renameClassLearner(db, "nk-bob", "alice", "alice")).toBe(false);
      expect(await renameClassLearner(db, "nk-bob", "Bobby", "bobby")).toBe(true);
      expect(await renameClassLearner(db, "nk-bob", "BOBBY", "bobby")).toBe(true);

      // A learner who left frees the name for somebody new; learners without a key (solo) never collide.
      await db.updateTable("learners").set({ removed_at: new Date().toISOString() }).where("id", "=", alice.id).execute();
      expect(await insertClassLearner(db, { id: "nk-alice-2", displayName: "Alice", nameKey: "alice", workspace: "learner-nk-alice-2-000000000001" })).toBe(true);
      await ensureLearner(db, "nk-solo-1", "You");
      await ensureLearner(db, "nk-solo-2", "You");
      expect(await db.selectFrom("learners").select("name_key").where("id", "in", ["nk-solo-1", "nk-solo-2"]).execute()).toStrictEqual([{ name_key: null }, { name_key: null }]);
    });

    it("redeems a re-join token once, never after it expires, and only knows its hash", async () => {
      const now = new Date("2026-05-20T10:00:00.000Z");
      const { token, expiresAt } = await createRejoinToken(db, "rj-a", 60 * 60_000, now);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(expiresAt).toBe("2026-05-20T11:00:00.000Z");
      const stored = await db.selectFrom("rejoin_tokens").selectAll().where("learner_id", "=", "rj-a").execute();
      expect(stored).toStrictEqual([{ id: stored[0].id, learner_id: "rj-a", created_at: now.toISOString(), expires_at: expiresAt, used_at: null }]);
      expect(stored[0].id).toMatch(/^[0-9a-f]{64}$/);
      expect(stored[0].id).not.toContain(token);

      expect(await inspectRejoinToken(db, token, now)).toStrictEqual({ ok: true, learnerId: "rj-a" });
      expect(await redeemRejoinToken(db, token, now)).toStrictEqual({ ok: true, learnerId: "rj-a" });
      expect(await redeemRejoinToken(db, token, now)).toStrictEqual({ ok: false, reason: "used" });
      expect(await inspectRejoinToken(db, token, now)).toStrictEqual({ ok: false, reason: "used" });

      const late = await createRejoinToken(db, "rj-a", 60 * 60_000, now);
      expect(await redeemRejoinToken(db, late.token, new Date("2026-05-20T11:00:00.000Z"))).toStrictEqual({ ok: false, reason: "expired" });
      expect(await redeemRejoinToken(db, late.token, new Date("2026-05-20T10:59:59.999Z"))).toStrictEqual({ ok: true, learnerId: "rj-a" });

      expect(await redeemRejoinToken(db, "no-such-token", now)).toStrictEqual({ ok: false, reason: "unknown" });
      expect(await redeemRejoinToken(db, "", now)).toStrictEqual({ ok: false, reason: "unknown" });
    });

    it("gives exactly one session's worth when a re-join token is used many times at once", async () => {
      const { token } = await createRejoinToken(db, "rj-race", 60 * 60_000);
      const results = await Promise.all(Array.from({ length: 12 }, () => redeemRejoinToken(db, token)));
      expect(results.filter((result) => result.ok)).toStrictEqual([{ ok: true, learnerId: "rj-race" }]);
      expect(results.filter((result) => !result.ok)).toHaveLength(11);
      for (const result of results.filter((r) => !r.ok)) expect(result).toStrictEqual({ ok: false, reason: "used" });
    });

    it("forgets re-join tokens a week past their expiry when a new one is made", async () => {
      const long = new Date("2026-01-01T00:00:00.000Z");
      await createRejoinToken(db, "rj-old", 60_000, long);
      expect(await db.selectFrom("rejoin_tokens").select("id").where("learner_id", "=", "rj-old").execute()).toHaveLength(1);
      await createRejoinToken(db, "rj-new", 60_000);
      expect(await db.selectFrom("rejoin_tokens").select("id").where("learner_id", "=", "rj-old").execute()).toHaveLength(0);
    });

    it("takes many writes at once without losing or duplicating any", async () => {
      const n = 40;
      const statuses: ReportStatus[] = ["failed", "error", "passed", "failed"];
      const at = (i: number) => new Date(Date.UTC(2026, 4, 20, 12, 0, i)).toISOString();
      await Promise.all([
        ...Array.from({ length: n }, (_, i) =>
          recordAttempt(db, "busy", report("tracking-exercise", statuses[i % statuses.length], at(i), [check("a", "passed"), check("b", "failed")])),
        ),
        ...Array.from({ length: n }, (_, i) => saveCode(db, "busy", "tracking", `cell-${i}`, `print(${i})`)),
        ...Array.from({ length: n }, (_, i) => saveCode(db, "busy", "tracking", "shared-cell", `version ${i}`)),
        ...Array.from({ length: n }, (_, i) =>
          recordCellRun(db, { learnerId: "busy", lessonSlug: "tracking", cellId: `cell-${i}`, status: "ok", durationMs: i, startedAt: new Date() }),
        ),
        ...Array.from({ length: n }, () => ensureLearner(db, "busy", "Busy Learner")),
      ]);

      const errors = Array.from({ length: n }, (_, i) => statuses[i % statuses.length]).filter((status) => status === "error").length;
      expect(await countedAttempts(db, "busy", "tracking-exercise")).toBe(n - errors);
      const attempts = await db.selectFrom("attempts").select("id").where("learner_id", "=", "busy").execute();
      expect(new Set(attempts.map((row) => row.id)).size).toBe(n);
      const checkRows = await db
        .selectFrom("check_results")
        .innerJoin("attempts", "attempts.id", "check_results.attempt_id")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("attempts.learner_id", "=", "busy")
        .executeTakeFirstOrThrow();
      expect(checkRows.n).toBe(2 * n);
      expect(await completedExercises(db, "busy")).toStrictEqual(new Set(["tracking-exercise"]));
      const completion = await db.selectFrom("exercise_completions").selectAll().where("learner_id", "=", "busy").execute();
      expect(completion).toHaveLength(1);

      const code = await readSavedCode(db, "busy", "tracking");
      expect(Object.keys(code)).toHaveLength(n + 1);
      expect(code["cell-7"]).toBe("print(7)");
      expect(code["shared-cell"]).toMatch(/^version \d+$/);

      const runs = await db.selectFrom("cell_runs").select("id").where("learner_id", "=", "busy").execute();
      expect(new Set(runs.map((row) => row.id)).size).toBe(n);
      expect(await db.selectFrom("learners").selectAll().where("id", "=", "busy").execute()).toHaveLength(1);
    });

    it("remembers each learner's kernel, compare-and-set, so instances racing to start one agree", async () => {
      expect(await rememberedKernelId(db, "ada")).toBeUndefined();
      const race = await Promise.all(["k1", "k2", "k3", "k4"].map((id) => rememberKernelId(db, "ada", id, undefined)));
      expect(race.filter(Boolean)).toHaveLength(1);
      const winner = ["k1", "k2", "k3", "k4"][race.indexOf(true)];
      expect(await rememberedKernelId(db, "ada")).toBe(winner);
      expect(await rememberKernelId(db, "ada", "k5", "not-the-current-one")).toBe(false);
      expect(await rememberKernelId(db, "ada", "k5", winner)).toBe(true);
      expect(await rememberKernelId(db, "bob", "k6", undefined)).toBe(true);
      await forgetKernelId(db, "ada", winner);
      expect(await rememberedKernelId(db, "ada"), "forgetting an older kernel keeps the newer one").toBe("k5");
      await forgetKernelId(db, "ada", "k5");
      expect(await rememberedKernelId(db, "ada")).toBeUndefined();
      expect(await rememberedKernelId(db, "bob")).toBe("k6");
    });

    it("records which instance runs each learner's model server; only the owner's writes land, a stop lands once", async () => {
      const directory = storeServerDirectory(db);
      const record = {
        learnerId: "ada", instanceId: "instance-a", state: "starting" as const, modelUri: "models:/IrisModel/Staging", port: 5050,
        command: "mlflow models serve", url: "http://10.0.0.1:5050", reachUrl: "http://10.0.0.1:5050", startedAt: 1_000, log: ["$ mlflow"], lastUsedMs: 1_000, heartbeatMs: 1_000,
      };
      await directory.put(record);
      expect(await directory.update("ada", "instance-a", 1_000, { state: "ready", readyAt: 2_000, log: ["$ mlflow", "Ready"] })).toBe(true);
      expect(await directory.update("ada", "instance-b", 1_000, { state: "failed" }), "another instance cannot overwrite it").toBe(false);
      expect(await directory.update("ada", "instance-a", 500, { state: "failed" }), "nor can an older start of the same instance").toBe(false);
      await directory.touch("ada", 5_000);
      await directory.touch("ada", 4_000);
      await directory.heartbeat("instance-a", 6_000);
      expect(await directory.get("ada")).toStrictEqual({ ...record, state: "ready", readyAt: 2_000, log: ["$ mlflow", "Ready"], lastUsedMs: 5_000, heartbeatMs: 6_000 });
      expect((await directory.live()).map((live) => live.learnerId)).toStrictEqual(["ada"]);
      const stops = await Promise.all([directory.markStopped("ada", "Stopped."), directory.markStopped("ada", "Stopped.")]);
      expect(stops.filter(Boolean), "two instances stopping at once: one stop").toHaveLength(1);
      expect(await directory.get("ada")).toMatchObject({ state: "stopped", log: ["$ mlflow", "Ready", "Stopped."] });
      expect(await directory.live()).toStrictEqual([]);
      expect(await directory.update("ada", "instance-a", 1_000, { state: "ready", log: [] }), "the owner's late news does not undo a stop").toBe(false);
      expect(await directory.get("ada")).toMatchObject({ state: "stopped" });
      // Started again on another instance: the newer record replaces the old one whole.
      await directory.put({ ...record, instanceId: "instance-b", startedAt: 9_000, log: [] });
      expect(await directory.update("ada", "instance-a", 9_000, { state: "failed" })).toBe(false);
      expect(await directory.get("ada")).toMatchObject({ instanceId: "instance-b", state: "starting", startedAt: 9_000 });
    });

    it("keeps a per-learner action ledger: one claim at a time (also under a race), expired claims freed, old records forgotten", async () => {
      const ledger = storeActionLedger(db);
      const claims = await Promise.all(Array.from({ length: 8 }, () => ledger.claim("check", "ada", 5_000, 1_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await ledger.claim("check", "bob", 5_000, 1_000), "another learner claims apart").toBe(true);
      expect(await ledger.claim("check", "ada", 9_000, 6_000), "a claim past its time is taken over").toBe(true);
      await ledger.release("check", "ada");
      expect(await ledger.claim("check", "ada", 9_000, 6_000)).toBe(true);

      await ledger.record("check", "ada", 1_000, 0);
      await ledger.record("check", "ada", 2_000, 0);
      await ledger.record("check", "bob", 2_500, 0);
      expect(await ledger.since("check", "ada", 0)).toStrictEqual({ count: 2, oldestMs: 1_000 });
      expect(await ledger.since("check", "ada", 1_500)).toStrictEqual({ count: 1, oldestMs: 2_000 });
      await ledger.record("check", "ada", 70_000, 10_000);
      expect(await ledger.since("check", "ada", 0), "records before the window are gone").toStrictEqual({ count: 1, oldestMs: 70_000 });
      expect(await ledger.since("check", "bob", 0), "everyone's, so actors seen once do not pile up").toStrictEqual({ count: 0, oldestMs: null });
    });

    it("is what the course opens for the same settings (the data folder, or DATABASE_URL)", async () => {
      // SQLite: the data folder (an empty DATABASE_URL is no URL); PostgreSQL: the URL.
      const [dataDir, url] = target.dialect === "sqlite" ? [path.dirname(target.file), ""] : [path.join(os.tmpdir(), "unused-data-dir"), target.url];
      expect(storeTarget(dataDir, url || undefined)).toEqual(target);
      const { db: store } = await openStore(storeTarget(dataDir, url || undefined));
      try {
        expect(await lastLesson(store, "ada")).toBe("tracking");
      } finally {
        await store.destroy();
      }
    });
  });
}

storeSuite(sqliteBackend());

if (process.env.TEST_DATABASE_URL) {
  storeSuite(postgresBackend());
  severalInstances();
} else {
  // Not a skip: without a PostgreSQL the store is only half tested, and that is a failure.
  describe("progress store on PostgreSQL", () => {
    it("has a PostgreSQL to test against (TEST_DATABASE_URL)", () => {
      throw new Error(NO_TEST_POSTGRES);
    });
  });
}

/** Several app instances behind a load balancer share one PostgreSQL. */
function severalInstances() {
  describe("progress store on PostgreSQL, several app instances", () => {
    const backend = postgresBackend();
    afterAll(() => backend.dispose());

    it("starting together on an empty database, they apply each migration exactly once", async () => {
      const target = await backend.create();
      const instances = await Promise.all([openStore(target), openStore(target), openStore(target)]);
      try {
        expect(instances.flatMap((instance) => instance.migrated).sort()).toStrictEqual([...ALL_MIGRATIONS].sort());
        // Each instance writes; all see every write.
        await Promise.all(instances.map((instance, i) => saveCode(instance.db, "multi", "tracking", `cell-${i}`, `instance ${i}`)));
        for (const instance of instances) expect(Object.keys(await readSavedCode(instance.db, "multi", "tracking"))).toHaveLength(instances.length);
      } finally {
        await Promise.all(instances.map((instance) => instance.db.destroy()));
      }
    });
  });
}
