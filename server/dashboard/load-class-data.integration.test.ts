import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStore } from "../store/database";
import { loadClassDataSuite } from "./load-class-data.suite";

// The same tests on PostgreSQL (TEST_DATABASE_URL, set by `npm test`), in a database of their own.
loadClassDataSuite("PostgreSQL", async () => {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error("TEST_DATABASE_URL is not set: run the integration tests through `npm test`, which starts a throwaway PostgreSQL.");
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const name = `dashboard_test_${randomBytes(6).toString("hex")}`;
  await admin.query(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openPostgresStore(url.toString());
  return {
    db,
    async dispose() {
      await db.destroy();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
});
