import type { ClassLesson, LessonChoice } from "@/contracts/classroom";
import { AppError } from "../errors/app-error";
import type { LessonCatalog } from "../lessons/lesson-catalog";
import type { Store } from "../store/database";
import { deleteSetting, readSetting, writeSetting } from "../store/settings";

const CLASS_LESSON_SETTING = "class_lesson";

/** Every lesson, numbered as learners see them. */
export function lessonChoices(lessons: LessonCatalog): LessonChoice[] {
  return lessons.list().map((lesson, index) => ({ slug: lesson.frontMatter.slug, title: lesson.frontMatter.title, number: index + 1 }));
}

/** The class's lesson, or null when none is set (or the lesson has since left the catalog). */
export async function readClassLesson(db: Store, lessons: LessonCatalog): Promise<ClassLesson | null> {
  const slug = await readSetting(db, CLASS_LESSON_SETTING);
  if (!slug) return null;
  return lessonChoices(lessons).find((lesson) => lesson.slug === slug) ?? null;
}

/** Sets the class's lesson (a slug of the catalog) or clears it (null); 400 for a slug the catalog lacks. */
export async function writeClassLesson(db: Store, lessons: LessonCatalog, slug: string | null): Promise<ClassLesson | null> {
  if (slug === null) {
    await deleteSetting(db, CLASS_LESSON_SETTING);
    return null;
  }
  const lesson = lessonChoices(lessons).find((candidate) => candidate.slug === slug);
  if (!lesson) throw new AppError("bad_request", `There is no lesson "${slug}" in this course; pick one of the lessons listed, or none.`);
  await writeSetting(db, CLASS_LESSON_SETTING, lesson.slug);
  return lesson;
}

/** No class lesson (a new class starts without one). */
export async function clearClassLesson(db: Store): Promise<void> {
  await deleteSetting(db, CLASS_LESSON_SETTING);
}
