import type { Store } from "../store/database";
import { forgetCode, saveCode } from "../store/cells";
import type { LessonCatalog } from "./lesson-catalog";

type CellCodeDeps = { store: Store; lessons: LessonCatalog };

export async function saveCellCode(course: CellCodeDeps, learnerId: string, lesson: string, cellId: string, code: string): Promise<{ saved: true }> {
  course.lessons.findCellOrThrow(lesson, cellId);
  await saveCode(course.store, learnerId, lesson, cellId, code);
  return { saved: true };
}

/** Forgets the learner's edit and answers with the starter code. */
export async function resetCellCode(course: CellCodeDeps, learnerId: string, lesson: string, cellId: string): Promise<{ code: string }> {
  const { cell } = course.lessons.findCellOrThrow(lesson, cellId);
  await forgetCode(course.store, learnerId, lesson, cellId);
  return { code: cell.source };
}
