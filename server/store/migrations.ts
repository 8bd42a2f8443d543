import { PostgresAdapter, sql, type ColumnDefinitionBuilderCallback, type Kysely, type Migration } from "kysely";

/**
 * Versioned migrations, run on start. Written with Kysely's schema builder so
 * the same steps create the tables on SQLite and on PostgreSQL.
 * Never edit a released migration: add the next one. (0001's auto-numbered key
 * goes through `autoIncrementKey`, which leaves its SQLite SQL exactly as released.)
 */
export const migrations: Record<string, Migration> = {
  "0001-progress": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("learners")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("display_name", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("last_seen_at", "text", (c) => c.notNull())
        .addColumn("last_lesson", "text")
        .execute();
      await db.schema
        .createTable("cell_code")
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("lesson_slug", "text", (c) => c.notNull())
        .addColumn("cell_id", "text", (c) => c.notNull())
        .addColumn("code", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("cell_code_pk", ["learner_id", "lesson_slug", "cell_id"])
        .execute();
      await db.schema
        .createTable("cell_outputs")
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("lesson_slug", "text", (c) => c.notNull())
        .addColumn("cell_id", "text", (c) => c.notNull())
        .addColumn("outputs_json", "text", (c) => c.notNull())
        .addColumn("execution_count", "integer")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("cell_outputs_pk", ["learner_id", "lesson_slug", "cell_id"])
        .execute();
      await db.schema
        .createTable("cell_runs")
        .addColumn("id", ...autoIncrementKey(db))
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("lesson_slug", "text", (c) => c.notNull())
        .addColumn("cell_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("cell_runs_learner").on("cell_runs").columns(["learner_id", "started_at"]).execute();
      await db.schema
        .createTable("attempts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("exercise", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("counted", "integer", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("graded_run_id", "text")
        .execute();
      await db.schema.createIndex("attempts_learner").on("attempts").columns(["learner_id", "exercise", "started_at"]).execute();
      await db.schema
        .createTable("check_results")
        .addColumn("attempt_id", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("check_id", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("message", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("check_results_pk", ["attempt_id", "position"])
        .execute();
      await db.schema
        .createTable("exercise_completions")
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("exercise", "text", (c) => c.notNull())
        .addColumn("first_passed_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("exercise_completions_pk", ["learner_id", "exercise"])
        .execute();
    },
  },
  "0002-classroom": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("learners").addColumn("workspace", "text").execute();
      await db.schema.alterTable("learners").addColumn("removed_at", "text").execute();
      await db.schema
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("learner_id", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("sessions_learner").on("sessions").column("learner_id").execute();
    },
  },
  "0003-rejoin-tokens": {
    // Single-use re-join links: only the SHA-256 of the link's token is kept.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("rejoin_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("used_at", "text")
        .execute();
      await db.schema.createIndex("rejoin_tokens_learner").on("rejoin_tokens").column("learner_id").execute();
    },
  },
  "0004-learner-name-keys": {
    // One display name per active learner: the compared form of the name, unique among
    // learners not removed. Learners of an earlier class (removed) keep theirs out of the way.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("learners").addColumn("name_key", "text").execute();
      const store = db as unknown as Kysely<{ learners: { id: string; display_name: string; name_key: string | null; workspace: string | null; removed_at: string | null; created_at: string } }>;
      const active = await store
        .selectFrom("learners")
        .select(["id", "display_name"])
        .where("removed_at", "is", null)
        .where("workspace", "is not", null)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      // Names already doubled before this migration: the first learner keeps the key, the
      // others get none (not unique-checked) until the instructor renames them.
      const seen = new Set<string>();
      for (const learner of active) {
        const key = nameKeyAsOf0004(learner.display_name);
        if (seen.has(key)) continue;
        seen.add(key);
        await store.updateTable("learners").set({ name_key: key }).where("id", "=", learner.id).execute();
      }
      await db.schema
        .createIndex("learners_active_name")
        .unique()
        .on("learners")
        .column("name_key")
        .where(sql.ref("removed_at"), "is", null)
        .execute();
    },
  },
  "0005-shared-state": {
    // What several course instances must share: which kernel is each learner's, and the
    // per-learner limits on costly actions (one in flight, a few per window).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("learner_kernels")
        .addColumn("learner_id", "text", (c) => c.primaryKey())
        .addColumn("kernel_id", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("action_log")
        .addColumn("id", ...autoIncrementKey(db))
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("at_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("action_log_actor").on("action_log").columns(["action", "actor", "at_ms"]).execute();
      await db.schema
        .createTable("actions_in_flight")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("until_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("actions_in_flight_pk", ["action", "actor"])
        .execute();
    },
  },
  "0006-model-servers": {
    // Which course instance runs each learner's model server, and where it answers: any instance
    // shows the Serve panel and forwards the playground, and the owner stops what others asked to.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("model_servers")
        .addColumn("learner_id", "text", (c) => c.primaryKey())
        .addColumn("instance_id", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("model_uri", "text", (c) => c.notNull())
        .addColumn("port", "integer", (c) => c.notNull())
        .addColumn("version", "text")
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("reach_url", "text", (c) => c.notNull())
        .addColumn("started_at_ms", "bigint", (c) => c.notNull())
        .addColumn("ready_at_ms", "bigint")
        .addColumn("reason", "text")
        .addColumn("log_json", "text", (c) => c.notNull())
        .addColumn("last_used_ms", "bigint", (c) => c.notNull())
        .addColumn("heartbeat_ms", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0007-class-messages": {
    // The instructor's messages to one learner (learner_id) or to everyone (null), and which
    // learner dismissed which message (a dismissed message leaves the live notice, not the list).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("class_messages")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("learner_id", "text")
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("sender", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("class_messages_created").on("class_messages").columns(["created_at"]).execute();
      await db.schema
        .createTable("message_dismissals")
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("dismissed_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("message_dismissals_pk", ["message_id", "learner_id"])
        .execute();
    },
  },
  "0008-report-version": {
    async up(db: Kysely<unknown>) {
      // Every attempt stored so far was written with the report's first version.
      await db.schema.alterTable("attempts").addColumn("report_version", "integer", (c) => c.notNull().defaultTo(1)).execute();
    },
  },
  "0009-exercise-starts": {
    async up(db: Kysely<unknown>) {
      // When each learner started each exercise (first opened its lesson or ran one of its cells):
      // where the dashboard's time to pass starts. Earlier learners have none; theirs starts at the first Check.
      await db.schema
        .createTable("exercise_starts")
        .addColumn("learner_id", "text", (c) => c.notNull())
        .addColumn("exercise", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("exercise_starts_pk", ["learner_id", "exercise"])
        .execute();
    },
  },
};

/**
 * The name key as 0004 computed it (frozen here: a released migration must not
 * change when the app's `displayNameKey` does). NFKC, case-folded, spaces collapsed.
 */
function nameKeyAsOf0004(name: string): string {
  return name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC").trim().replace(/\s+/gu, " ");
}

/**
 * An auto-numbered integer primary key. Kysely's `autoIncrement()` is SQLite's
 * (and MySQL's) keyword: PostgreSQL has no such thing and wants an identity column.
 * SQLite: `integer primary key autoincrement`; PostgreSQL: `integer generated by
 * default as identity primary key`. Both read back as JS numbers.
 */
function autoIncrementKey(db: Kysely<unknown>): ["integer", ColumnDefinitionBuilderCallback] {
  // The adapter is how Kysely's own Migrator tells dialects apart (e.g. for its migration lock).
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return postgres ? ["integer", (c) => c.primaryKey().generatedByDefaultAsIdentity()] : ["integer", (c) => c.primaryKey().autoIncrement()];
}
