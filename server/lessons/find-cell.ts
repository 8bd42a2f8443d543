import { AppError } from "../errors/app-error";
import { findLesson, type Lesson } from "./lesson-catalog";
import type { LessonCell } from "./parse-lesson";

export function findLessonOrThrow(projectRoot: string, slug: string): Lesson {
  const lesson = findLesson(projectRoot, slug);
  if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
  return lesson;
}

export function findCellOrThrow(projectRoot: string, slug: string, cellId: string): { lesson: Lesson; cell: LessonCell } {
  const lesson = findLessonOrThrow(projectRoot, slug);
  const cell = lesson.cells.find((candidate) => candidate.id === cellId);
  if (!cell) throw new AppError("not_found", `Lesson "${slug}" has no cell "${cellId}".`);
  return { lesson, cell };
}
