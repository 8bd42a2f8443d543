import fs from "node:fs";
import path from "node:path";
import type { NewClassResult } from "@/contracts/classroom";
import { getConfig } from "../config/runtime-config";
import { classExport } from "../dashboard/class-export";
import { rotateClassCode } from "../identity/class-settings";
import { getKernelPool } from "../kernels/course-kernels";
import { getModelServers } from "../model-servers/course-model-servers";
import { getStore } from "../store/database";
import { resetCatchUpPolicy } from "./catch-up-policy";
import { clearClassLesson } from "./class-lesson";
import { clearClassMessages } from "./class-messages";

/**
 * Ends the current class and opens a new one: the old class's full record is
 * written to `<data>/archive/class-<time>.json` (the same JSON as the export),
 * its learners are archived (kept in the store, out of the dashboard, signed
 * out, kernels and model servers stopped) and the class code changes.
 * Their MLflow workspaces stay, so nothing of their work is deleted. The old
 * class's messages, its lesson and its catch-up policy go: the new class starts
 * with none, none and the default.
 */
export async function startNewClass(now: Date = new Date()): Promise<NewClassResult> {
  const config = getConfig();
  const db = await getStore(config.dataDir);
  const snapshot = await classExport(db, "json", now, { mode: "classroom" });
  const archiveDir = path.join(config.dataDir, "archive");
  fs.mkdirSync(archiveDir, { recursive: true });
  const archive = path.join(archiveDir, snapshot.filename);
  fs.writeFileSync(archive, snapshot.body);

  const learners = await db.selectFrom("learners").select("id").where("removed_at", "is", null).where("workspace", "is not", null).execute();
  const stamp = now.toISOString();
  await db.updateTable("learners").set({ removed_at: stamp }).where("removed_at", "is", null).where("workspace", "is not", null).execute();
  await db.updateTable("sessions").set({ revoked_at: stamp }).where("role", "=", "learner").where("revoked_at", "is", null).execute();
  await Promise.all([clearClassMessages(db), clearClassLesson(db), resetCatchUpPolicy(db)]);
  const pool = getKernelPool();
  const servers = getModelServers();
  await Promise.all(learners.map(({ id }) => Promise.all([pool.shutdown(id).catch(() => undefined), servers.stop(id).catch(() => false)])));
  return { classCode: await rotateClassCode(db), archivedLearners: learners.length, archive: path.relative(config.dataDir, archive) };
}
