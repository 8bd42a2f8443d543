import type { ClassOverview, RejoinLink } from "@/contracts/classroom";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { classCode, rotateClassCode } from "../identity/class-settings";
import { rejoinLink } from "../identity/class-sessions";
import { displayNameKey, nameTakenMessage } from "../identity/display-name";
import { createLearnerWorkspace, deleteWorkspace } from "../identity/workspaces";
import { getKernelPool } from "../kernels/course-kernels";
import { getModelServers } from "../model-servers/course-model-servers";
import { getStore } from "../store/database";
import { findActiveLearner, findActiveLearnerByNameKey, renameClassLearner } from "../store/learners";
import { revokeLearnerSessions } from "../store/sessions";

export async function classOverview(): Promise<ClassOverview> {
  const db = await getStore(getConfig().dataDir);
  const [code, learners, completions] = await Promise.all([
    classCode(db),
    db.selectFrom("learners").selectAll().where("removed_at", "is", null).where("workspace", "is not", null).orderBy("created_at").execute(),
    db.selectFrom("exercise_completions").select(["learner_id", "exercise"]).execute(),
  ]);
  return {
    classCode: code,
    learners: learners.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      joinedAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      lastLesson: row.last_lesson,
      completed: completions.filter((c) => c.learner_id === row.id).map((c) => c.exercise),
    })),
  };
}

export async function rotateCode(): Promise<{ classCode: string }> {
  return { classCode: await rotateClassCode(await getStore(getConfig().dataDir)) };
}

async function learnerOrThrow(learnerId: string) {
  const db = await getStore(getConfig().dataDir);
  const row = await findActiveLearner(db, learnerId);
  if (!row || !row.workspace) throw new AppError("not_found", `There is no learner "${learnerId}" in this class.`);
  return { db, row };
}

/** A single-use re-join link for the learner; `hostHeader` is the Host the instructor's request came to. */
export async function learnerRejoinLink(learnerId: string, hostHeader: string | null): Promise<RejoinLink> {
  await learnerOrThrow(learnerId);
  return rejoinLink(learnerId, hostHeader);
}

/** Renames a learner; `displayName` is already normalized (displayNameSchema). Refused when another active learner has it. */
export async function renameLearner(learnerId: string, displayName: string): Promise<{ renamed: true }> {
  const { db } = await learnerOrThrow(learnerId);
  const nameKey = displayNameKey(displayName);
  const holder = await findActiveLearnerByNameKey(db, nameKey, learnerId);
  if (holder || !(await renameClassLearner(db, learnerId, displayName, nameKey))) {
    const existing = holder ?? (await findActiveLearnerByNameKey(db, nameKey, learnerId));
    throw new AppError("conflict", nameTakenMessage(existing?.display_name ?? displayName, displayName));
  }
  return { renamed: true };
}

/**
 * Gives the learner a clean slate: a new, empty MLflow workspace, no kernel,
 * no model server, starter code everywhere. Their progress history stays.
 */
export async function resetLearner(learnerId: string): Promise<{ workspace: string }> {
  const config = getConfig();
  const { db, row } = await learnerOrThrow(learnerId);
  // A new random name each time, created here and now: a workspace somebody made in
  // advance (with an artifact root of their own) is never taken over.
  const fresh = await createLearnerWorkspace(config.mlflow.url, learnerId);
  await db.updateTable("learners").set({ workspace: fresh }).where("id", "=", learnerId).execute();
  await Promise.all([
    getKernelPool().shutdown(learnerId).catch(() => undefined),
    getModelServers().stop(learnerId).catch(() => false),
    db.deleteFrom("cell_code").where("learner_id", "=", learnerId).execute(),
    db.deleteFrom("cell_outputs").where("learner_id", "=", learnerId).execute(),
  ]);
  await deleteWorkspace(config.mlflow.url, row.workspace!);
  return { workspace: fresh };
}

export async function removeLearner(learnerId: string): Promise<{ removed: true }> {
  const { db } = await learnerOrThrow(learnerId);
  await db.updateTable("learners").set({ removed_at: new Date().toISOString() }).where("id", "=", learnerId).execute();
  await revokeLearnerSessions(db, learnerId);
  await Promise.all([getKernelPool().shutdown(learnerId).catch(() => undefined), getModelServers().stop(learnerId).catch(() => false)]);
  return { removed: true };
}
