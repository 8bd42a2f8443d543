import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from "kysely";
import { migrations } from "./migrations";
import type { Database } from "./schema";

export type Store = Kysely<Database>;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Opens (and migrates) the SQLite progress store at `file`. */
export async function openSqliteStore(file: string): Promise<Store> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  // WAL lets the dashboard read while learners write; a busy timeout rides out short locks.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);
  return db;
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    throw new Error(`The progress store could not be migrated${failed ? ` (migration ${failed.migrationName})` : ""}: ${(error as Error)?.message ?? "unknown error"}`);
  }
}

type StoreHolder = { store?: Promise<Store>; file?: string };
const holder = ((globalThis as { __courseStore?: StoreHolder }).__courseStore ??= {});

/** The process-wide store for a data folder (kept on globalThis so dev reloads reuse it). */
export function getStore(dataDir: string): Promise<Store> {
  const file = path.join(/* turbopackIgnore: true */ dataDir, "course.db");
  if (!holder.store || holder.file !== file) {
    holder.file = file;
    holder.store = openSqliteStore(file);
  }
  return holder.store;
}
