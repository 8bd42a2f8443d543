import { randomBytes } from "node:crypto";
import pg from "pg";

/** A PostgreSQL database of a test's own, on the throwaway cluster `npm test` starts (TEST_DATABASE_URL). */
export type TestDatabase = { url: string; drop(): Promise<void> };

export const NO_TEST_POSTGRES =
  "TEST_DATABASE_URL is not set, so this cannot be tested on PostgreSQL. Run the integration tests through `npm test` " +
  "(or `npm test -- integration`), which installs PostgreSQL if needed, starts a throwaway cluster and sets it; " +
  "if it did and this still fails, see the PostgreSQL error printed before the integration stage.";

/** Creates an empty database named `<prefix>_<random>`; `drop()` deletes it. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error(NO_TEST_POSTGRES);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  try {
    await admin.query(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
