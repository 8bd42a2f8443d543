import { openPostgresStore } from "./database";
import { createTestDatabase } from "../testing/test-postgres";
import { loadClassDataSuite } from "./class-data.suite";

// The same tests on PostgreSQL (TEST_DATABASE_URL, set by `npm test`), in a database of their own.
loadClassDataSuite("PostgreSQL", async () => {
  const database = await createTestDatabase("dashboard_test");
  const db = await openPostgresStore(database.url);
  return {
    db,
    async dispose() {
      await db.destroy();
      await database.drop();
    },
  };
});
