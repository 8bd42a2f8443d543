import type { ClassOverview, RejoinLink } from "@/contracts/classroom";
import { AppError } from "../errors/app-error";
import { classCode, rotateClassCode } from "../identity/class-settings";
import { rejoinLink } from "../identity/class-sessions";
import { displayNameKey, nameTakenMessage } from "../identity/display-name";
import { createLearnerWorkspace, deleteWorkspace } from "../identity/workspaces";
import { allCompletions } from "../store/attempts";
import { clearLearnerCells } from "../store/cells";
import { classLearners, findActiveLearner, findActiveLearnerByNameKey, markLearnerRemoved, renameClassLearner, setLearnerWorkspace } from "../store/learners";
import { revokeLearnerSessions } from "../store/sessions";
import type { ClassroomDeps } from "./classroom-deps";

export async function classOverview(course: Pick<ClassroomDeps, "store">): Promise<ClassOverview> {
  const [code, learners, completions] = await Promise.all([classCode(course.store), classLearners(course.store), allCompletions(course.store)]);
  return {
    classCode: code,
    learners: learners.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      joinedAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      lastLesson: row.last_lesson,
      completed: completions.filter((c) => c.learnerId === row.id).map((c) => c.exercise),
    })),
  };
}

export async function rotateCode(course: Pick<ClassroomDeps, "store">): Promise<{ classCode: string }> {
  return { classCode: await rotateClassCode(course.store) };
}

async function learnerOrThrow(course: Pick<ClassroomDeps, "store">, learnerId: string) {
  const row = await findActiveLearner(course.store, learnerId);
  if (!row || !row.workspace) throw new AppError("not_found", `There is no learner "${learnerId}" in this class.`);
  return row;
}

/** A single-use re-join link for the learner; `hostHeader` is the Host the instructor's request came to. */
export async function learnerRejoinLink(course: Pick<ClassroomDeps, "config" | "store">, learnerId: string, hostHeader: string | null): Promise<RejoinLink> {
  await learnerOrThrow(course, learnerId);
  return rejoinLink(course, learnerId, hostHeader);
}

/** Renames a learner; `displayName` is already normalized (displayNameSchema). Refused when another active learner has it. */
export async function renameLearner(course: Pick<ClassroomDeps, "store">, learnerId: string, displayName: string): Promise<{ renamed: true }> {
  await learnerOrThrow(course, learnerId);
  const db = course.store;
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
export async function resetLearner(course: ClassroomDeps, learnerId: string): Promise<{ workspace: string }> {
  const row = await learnerOrThrow(course, learnerId);
  // A new random name each time, created here and now: a workspace somebody made in
  // advance (with an artifact root of their own) is never taken over.
  const fresh = await createLearnerWorkspace(course.config.mlflow.url, learnerId);
  await setLearnerWorkspace(course.store, learnerId, fresh);
  await Promise.all([course.learners.get(learnerId).stopProcesses(), clearLearnerCells(course.store, learnerId)]);
  await deleteWorkspace(course.config.mlflow.url, row.workspace!);
  return { workspace: fresh };
}

export async function removeLearner(course: ClassroomDeps, learnerId: string): Promise<{ removed: true }> {
  await learnerOrThrow(course, learnerId);
  await markLearnerRemoved(course.store, learnerId);
  await revokeLearnerSessions(course.store, learnerId);
  await course.learners.get(learnerId).stopProcesses();
  return { removed: true };
}
