import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { classCode, rotateClassCode } from "../identity/class-settings";
import { rejoinLink } from "../identity/class-sessions";
import { createWorkspace, deleteWorkspace, workspaceName } from "../identity/workspaces";
import { getKernelPool } from "../kernels/course-kernels";
import { getModelServers } from "../model-servers/course-model-servers";
import { getStore } from "../store/database";
import { findActiveLearner } from "../store/learners";
import { revokeLearnerSessions } from "../store/sessions";

export type RosterLearner = {
  id: string;
  displayName: string;
  joinedAt: string;
  lastSeenAt: string;
  lastLesson: string | null;
  completed: string[];
};

export async function classOverview(): Promise<{ classCode: string; learners: RosterLearner[] }> {
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

export async function learnerRejoinLink(learnerId: string, origin: string): Promise<{ url: string }> {
  await learnerOrThrow(learnerId);
  return { url: rejoinLink(origin, learnerId) };
}

export async function renameLearner(learnerId: string, displayName: string): Promise<{ renamed: true }> {
  const { db } = await learnerOrThrow(learnerId);
  await db.updateTable("learners").set({ display_name: displayName }).where("id", "=", learnerId).execute();
  return { renamed: true };
}

/**
 * Gives the learner a clean slate: a new, empty MLflow workspace, no kernel,
 * no model server, starter code everywhere. Their progress history stays.
 */
export async function resetLearner(learnerId: string): Promise<{ workspace: string }> {
  const config = getConfig();
  const { db, row } = await learnerOrThrow(learnerId);
  const generation = Number(/-r(\d+)$/.exec(row.workspace!)?.[1] ?? 0) + 1;
  const fresh = workspaceName(learnerId, generation);
  await createWorkspace(config.mlflow.url, fresh);
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
