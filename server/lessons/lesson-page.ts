import type { CourseConfig } from "../config/config";
import type { CellEvent } from "../kernels/cell-events";
import { completedExercises } from "../store/attempts";
import { readSavedCode, readSavedOutputs } from "../store/cells";
import { getStore } from "../store/database";
import { rememberLesson } from "../store/learners";
import { listLessons, type Lesson } from "./lesson-catalog";

export type LessonPageData = {
  lesson: Lesson;
  /** Every lesson, in order (the outline beside the lesson), and where this one is among them. */
  lessons: Lesson[];
  position: number;
  /** The learner's saved code by cell id (absent: the lesson's own). */
  savedCode: Record<string, string>;
  /** The learner's last outputs of each cell. */
  initialCells: Array<{ id: string; outputs: CellEvent[]; executionCount: number | null; status?: string }>;
  /** Exercises the learner has passed. */
  completed: Set<string>;
};

/**
 * What a lesson page shows a learner, read in one go; opening it records it as their last
 * lesson (the home page's "Continue where you left off"). Null when there is no such lesson.
 */
export async function openLessonPage(config: CourseConfig, learnerId: string, slug: string): Promise<LessonPageData | null> {
  const lessons = listLessons(config.projectRoot);
  const position = lessons.findIndex((candidate) => candidate.frontMatter.slug === slug);
  if (position < 0) return null;
  const lesson = lessons[position];
  const db = await getStore(config.dataDir);
  const [savedCode, savedOutputs, completed] = await Promise.all([
    readSavedCode(db, learnerId, slug),
    readSavedOutputs(db, learnerId, slug),
    completedExercises(db, learnerId),
    rememberLesson(db, learnerId, slug),
  ]);
  const initialCells = lesson.cells.map((cell) => ({
    id: cell.id,
    outputs: (savedOutputs[cell.id]?.outputs ?? []) as CellEvent[],
    executionCount: savedOutputs[cell.id]?.executionCount ?? null,
    status: savedOutputs[cell.id]?.status,
  }));
  return { lesson, lessons, position, savedCode, initialCells, completed };
}
