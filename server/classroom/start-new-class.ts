import fs from "node:fs";
import path from "node:path";
import type { NewClassResult } from "@/contracts/classroom";
import { classExport } from "../dashboard/class-export";
import { rotateClassCode } from "../identity/class-settings";
import { archiveClassLearners } from "../store/learners";
import { revokeAllLearnerSessions } from "../store/sessions";
import { resetCatchUpPolicy } from "./catch-up-policy";
import { clearClassLesson } from "./class-lesson";
import { clearClassMessages } from "./class-messages";
import type { ClassroomDeps } from "./classroom-deps";

/**
 * Ends the current class and opens a new one: the old class's full record is
 * written to `<data>/archive/class-<time>.json` (the same JSON as the export),
 * its learners are archived (kept in the store, out of the dashboard, signed
 * out, kernels and model servers stopped) and the class code changes.
 * Their MLflow workspaces stay, so nothing of their work is deleted. The old
 * class's messages, its lesson and its catch-up policy go: the new class starts
 * with none, none and the default.
 */
export async function startNewClass(course: ClassroomDeps, now: Date = new Date()): Promise<NewClassResult> {
  const { config, store: db } = course;
  const snapshot = await classExport(db, "json", now, { mode: "classroom" });
  const archiveDir = path.join(config.dataDir, "archive");
  fs.mkdirSync(archiveDir, { recursive: true });
  const archive = path.join(archiveDir, snapshot.filename);
  fs.writeFileSync(archive, snapshot.body);

  const learners = await archiveClassLearners(db, now);
  await revokeAllLearnerSessions(db, now);
  await Promise.all([clearClassMessages(db), clearClassLesson(db), resetCatchUpPolicy(db)]);
  await Promise.all(learners.map((id) => course.learners.get(id).stopProcesses()));
  return { classCode: await rotateClassCode(db), archivedLearners: learners.length, archive: path.relative(config.dataDir, archive) };
}
