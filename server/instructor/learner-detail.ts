import type { LearnerDetail } from "@/contracts/learner-detail";
import { AppError } from "../errors/app-error";
import type { LessonCatalog } from "../lessons/lesson-catalog";
import { attemptHistory } from "../store/attempts";
import { allSavedCode, cellRunCounts } from "../store/cells";
import type { Store } from "../store/database";
import { findActiveLearner } from "../store/learners";

/** One learner's history for the instructor's drill-down. */
export async function learnerDetail(course: { store: Store; lessons: LessonCatalog }, learnerId: string): Promise<LearnerDetail> {
  const db = course.store;
  const learner = await findActiveLearner(db, learnerId);
  if (!learner) throw new AppError("not_found", `There is no learner "${learnerId}" in this class.`);
  const [attempts, code, runs] = await Promise.all([attemptHistory(db, learnerId), allSavedCode(db, learnerId), cellRunCounts(db, learnerId)]);
  const exerciseCells = new Map<string, string>();
  for (const lesson of course.lessons.list()) {
    for (const cell of lesson.cells) if (cell.exercise) exerciseCells.set(`${lesson.frontMatter.slug}/${cell.id}`, cell.exercise);
  }
  return {
    learner: { id: learner.id, displayName: learner.display_name, joinedAt: learner.created_at, lastSeenAt: learner.last_seen_at, lastLesson: learner.last_lesson },
    attempts,
    code: code
      .filter((row) => exerciseCells.has(`${row.lesson_slug}/${row.cell_id}`))
      .map((row) => ({ lesson: row.lesson_slug, cellId: row.cell_id, exercise: exerciseCells.get(`${row.lesson_slug}/${row.cell_id}`)!, code: row.code, updatedAt: row.updated_at })),
    activity: { cellRuns: runs.runs, cellErrors: runs.errors },
    workspaceLink: `/instructor/view/${encodeURIComponent(learnerId)}`,
  };
}
