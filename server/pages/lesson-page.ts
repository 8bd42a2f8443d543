import type { CellEvent } from "@/contracts/cell-events";
import type { CourseConfig } from "../config/config";
import { catchUpOffered, readCatchUpPolicy } from "../classroom/catch-up-policy";
import type { Lesson, LessonCatalog } from "../lessons/lesson-catalog";
import { caughtUpExercises, completedExercises, countedAttempts } from "../store/attempts";
import { readSavedCode, readSavedOutputs } from "../store/cells";
import type { Store } from "../store/database";
import { noteExerciseStarts } from "../store/exercise-starts";
import { rememberLesson } from "../store/learners";

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
  /** Per exercise of this lesson: whether the Check panel offers Catch me up now. */
  catchUpOffered: Record<string, boolean>;
  /**
   * Exercises of this lesson the learner caught up on and has not passed since: the reference
   * code that ran, beside theirs (sent only once a catch-up has run it).
   */
  caughtUp: Record<string, Array<{ cellId: string; code: string; yours: string | null }>>;
};

/**
 * What a lesson page shows a learner, read in one go; opening it records it as their last
 * lesson (the home page's "Continue where you left off") and, the first time, starts its
 * exercises' clocks. Null when there is no such lesson.
 */
export async function openLessonPage(course: { config: CourseConfig; store: Store; lessons: LessonCatalog }, learnerId: string, slug: string): Promise<LessonPageData | null> {
  const { config, store: db } = course;
  const lessons = course.lessons.list();
  const position = lessons.findIndex((candidate) => candidate.frontMatter.slug === slug);
  if (position < 0) return null;
  const lesson = lessons[position];
  const [savedCode, savedOutputs, completed, caughtUpRuns, policy] = await Promise.all([
    readSavedCode(db, learnerId, slug),
    readSavedOutputs(db, learnerId, slug),
    completedExercises(db, learnerId),
    caughtUpExercises(db, learnerId),
    readCatchUpPolicy(db, config),
    rememberLesson(db, learnerId, slug),
    // Opening the lesson starts its exercises' clocks (the dashboard's time to pass).
    noteExerciseStarts(db, learnerId, lesson.frontMatter.exercises, new Date()),
  ]);
  const catchUpOffer: Record<string, boolean> = {};
  const caughtUp: LessonPageData["caughtUp"] = {};
  for (const exercise of lesson.frontMatter.exercises) {
    catchUpOffer[exercise] = catchUpOffered(policy, await countedAttempts(db, learnerId, exercise, "failed"));
    if (!caughtUpRuns.has(exercise) || completed.has(exercise)) continue;
    caughtUp[exercise] = lesson.cells
      .filter((cell) => cell.exercise === exercise)
      .map((cell) => ({ cellId: cell.id, code: course.lessons.readSolution(slug, cell), yours: savedCode[cell.id] ?? null }));
  }
  const initialCells = lesson.cells.map((cell) => ({
    id: cell.id,
    outputs: (savedOutputs[cell.id]?.outputs ?? []) as CellEvent[],
    executionCount: savedOutputs[cell.id]?.executionCount ?? null,
    status: savedOutputs[cell.id]?.status,
  }));
  return { lesson, lessons, position, savedCode, initialCells, completed, catchUpOffered: catchUpOffer, caughtUp };
}
