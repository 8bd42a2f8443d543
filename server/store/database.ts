import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from "kysely";
import pg from "pg";
import { migrations } from "./migrations";
import type { Database } from "./schema";

export type Store = Kysely<Database>;

/**
 * Where the progress store lives: a SQLite file under the data folder (the
 * default), or PostgreSQL when `DATABASE_URL` names one. Chosen in `storeTarget`.
 */
export type StoreTarget = { dialect: "sqlite"; file: string } | { dialect: "postgres"; url: string };

export type OpenedStore = { db: Store; dialect: StoreTarget["dialect"]; /** Migrations this open applied (none when up to date). */ migrated: string[] };

/** Connections each app instance keeps to PostgreSQL at most. */
export const POSTGRES_POOL_SIZE = 10;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The one place the dialect is chosen: PostgreSQL when a database URL is given, SQLite in the data folder otherwise. */
export function storeTarget(dataDir: string, databaseUrl?: string): StoreTarget {
  if (databaseUrl) return { dialect: "postgres", url: databaseUrl };
  return { dialect: "sqlite", file: path.join(/* turbopackIgnore: true */ dataDir, "course.db") };
}

/** Opens the store and runs the migrations it has not seen yet. */
export async function openStore(target: StoreTarget): Promise<OpenedStore> {
  const db = target.dialect === "postgres" ? postgresKysely(target.url) : sqliteKysely(target.file);
  try {
    return { db, dialect: target.dialect, migrated: await migrate(db) };
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
}

/** Opens (and migrates) the SQLite progress store at `file`. */
export async function openSqliteStore(file: string): Promise<Store> {
  return (await openStore({ dialect: "sqlite", file })).db;
}

/** Opens (and migrates) the progress store in the PostgreSQL database at `url`. */
export async function openPostgresStore(url: string): Promise<Store> {
  return (await openStore({ dialect: "postgres", url })).db;
}

function sqliteKysely(file: string): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  // WAL lets the dashboard read while learners write; a busy timeout rides out short locks.
  sqlite.pragma("journal_mode = WAL");
  // With WAL, NORMAL syncs at checkpoints instead of at every commit: a crash of the course
  // loses nothing and keeps the file consistent; only a power loss or an OS crash may lose the
  // last commits. A cell run writes three times, and each fsync blocked the event loop.
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

// pg returns bigint (count(*), sum of integers) and numeric (avg) as strings;
// SQLite returns numbers. Aggregates here never approach 2^53, so this pool
// hands them back as numbers, and every query returns the same JS values on both.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    (format ?? "text") === "text" && (oid === PG_INT8 || oid === PG_NUMERIC)
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function postgresKysely(url: string): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: POSTGRES_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: "mlflow-training",
    types: pgTypes,
  });
  // An idle connection the server drops (restart, failover) is reported here;
  // without a listener it would crash the process. The pool replaces it.
  pool.on("error", (error) => console.error(`Progress store (PostgreSQL): an idle connection failed: ${error.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Runs the pending migrations; returns the names of those it applied. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    throw new Error(`The progress store could not be migrated${failed ? ` (migration ${failed.migrationName})` : ""}: ${(error as Error)?.message ?? "unknown error"}`);
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}
