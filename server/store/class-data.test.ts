import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteStore } from "./database";
import { loadClassDataSuite } from "./class-data.suite";

loadClassDataSuite("SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-load-"));
  const db = await openSqliteStore(path.join(dir, "course.db"));
  return {
    db,
    async dispose() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
