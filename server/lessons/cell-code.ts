import { getConfig } from "../config/runtime-config";
import type { Learner } from "../identity/current-learner";
import { getStore } from "../store/database";
import { forgetCode, saveCode } from "../store/cells";
import { findCellOrThrow } from "./find-cell";

export async function saveCellCode(learner: Learner, lesson: string, cellId: string, code: string): Promise<{ saved: true }> {
  const config = getConfig();
  findCellOrThrow(config.projectRoot, lesson, cellId);
  await saveCode(await getStore(config.dataDir), learner.id, lesson, cellId, code);
  return { saved: true };
}

/** Forgets the learner's edit and answers with the starter code. */
export async function resetCellCode(learner: Learner, lesson: string, cellId: string): Promise<{ code: string }> {
  const config = getConfig();
  const { cell } = findCellOrThrow(config.projectRoot, lesson, cellId);
  await forgetCode(await getStore(config.dataDir), learner.id, lesson, cellId);
  return { code: cell.source };
}
