import fs from "node:fs";
import path from "node:path";
import { LessonFormatError, type LessonFrontMatter } from "./front-matter";
import { parseLesson, type LessonCell, type ParsedLesson } from "./parse-lesson";

export type Lesson = ParsedLesson & { file: string };

export function lessonsDir(projectRoot: string): string {
  return path.join(/* turbopackIgnore: true */ projectRoot, "lessons");
}

export function lessonFiles(projectRoot: string): string[] {
  const dir = lessonsDir(projectRoot);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{2}-[a-z0-9-]+\.md$/.test(name))
    .sort()
    .map((name) => path.join(/* turbopackIgnore: true */ dir, name));
}

/** Parsed lessons by file, with the modification time and size they were parsed at. */
const parsed = ((globalThis as { __courseParsedLessons?: Map<string, { mtimeMs: number; size: number; lesson: Lesson }> }).__courseParsedLessons ??= new Map());

/**
 * Lessons are data that authors edit while the course runs, so each request
 * looks at the files; a file is parsed again only when it changed (every cell
 * run looks its cell up, and parsing all six lessons each time cost more than
 * the rest of the route).
 */
export function listLessons(projectRoot: string): Lesson[] {
  return lessonFiles(projectRoot)
    .map((file) => {
      const stat = fs.statSync(file);
      const known = parsed.get(file);
      if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.lesson;
      const lesson = { ...parseLesson(fs.readFileSync(file, "utf8"), path.relative(projectRoot, file)), file };
      parsed.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, lesson });
      return lesson;
    })
    .sort((a, b) => a.frontMatter.order - b.frontMatter.order)
    .map((lesson, position, lessons) => checkNeeds(lesson, lessons.slice(0, position)));
}

/** A lesson's needs are exercises of earlier lessons: a catch-up makes them before the lesson runs. */
function checkNeeds(lesson: Lesson, earlier: Lesson[]): Lesson {
  for (const need of lesson.frontMatter.needs) {
    if (!earlier.some((candidate) => candidate.frontMatter.exercises.includes(need))) {
      throw new LessonFormatError(path.basename(lesson.file), "needs", `names "${need}", which is not an exercise of an earlier lesson`);
    }
  }
  return lesson;
}

/** The course outline: every lesson's front matter, in order. */
export function loadOutline(projectRoot: string): LessonFrontMatter[] {
  return listLessons(projectRoot).map((lesson) => lesson.frontMatter);
}

export function findLesson(projectRoot: string, slug: string): Lesson | null {
  return listLessons(projectRoot).find((lesson) => lesson.frontMatter.slug === slug) ?? null;
}

export function solutionPath(projectRoot: string, slug: string, cellId: string): string {
  return path.join(/* turbopackIgnore: true */ lessonsDir(projectRoot), "solutions", slug, `${cellId}.py`);
}

/** The code of an exercise cell's solution. Server-side only: never sent to a browser. */
export function readSolution(projectRoot: string, slug: string, cell: LessonCell): string {
  const file = solutionPath(projectRoot, slug, cell.id);
  if (!fs.existsSync(file)) {
    throw new LessonFormatError(path.relative(projectRoot, file), null, `is missing: exercise cell "${cell.id}" of lesson "${slug}" needs a solution`);
  }
  return fs.readFileSync(file, "utf8");
}

/** The lesson's cells in order, with solutions in place of exercise cells (for tests and fixtures). */
export function lessonProgram(projectRoot: string, slug: string): Array<{ id: string; code: string }> {
  const lesson = findLesson(projectRoot, slug);
  if (!lesson) throw new Error(`No lesson with slug "${slug}"`);
  return lesson.cells.map((cell) => ({ id: cell.id, code: cell.exercise ? readSolution(projectRoot, slug, cell) : cell.source }));
}
