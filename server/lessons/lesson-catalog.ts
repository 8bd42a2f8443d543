import fs from "node:fs";
import path from "node:path";
import { AppError } from "../errors/app-error";
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

/**
 * The course's lessons, read from `lessons/`. Lessons are data that authors edit while the course
 * runs, so each call looks at the files; a file is parsed again only when it changed (every cell
 * run looks its cell up, and parsing all six lessons each time cost more than the rest of the
 * route). One per course runtime.
 */
export class LessonCatalog {
  private readonly parsed = new Map<string, { mtimeMs: number; size: number; lesson: Lesson }>();

  constructor(readonly projectRoot: string) {}

  list(): Lesson[] {
    return lessonFiles(this.projectRoot)
      .map((file) => {
        const stat = fs.statSync(file);
        const known = this.parsed.get(file);
        if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.lesson;
        const lesson = { ...parseLesson(fs.readFileSync(file, "utf8"), path.relative(this.projectRoot, file)), file };
        this.parsed.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, lesson });
        return lesson;
      })
      .sort((a, b) => a.frontMatter.order - b.frontMatter.order)
      .map((lesson, position, lessons) => checkNeeds(lesson, lessons.slice(0, position)));
  }

  find(slug: string): Lesson | null {
    return this.list().find((lesson) => lesson.frontMatter.slug === slug) ?? null;
  }

  /** The course outline: every lesson's front matter, in order. */
  outline(): LessonFrontMatter[] {
    return this.list().map((lesson) => lesson.frontMatter);
  }

  findOrThrow(slug: string): Lesson {
    const lesson = this.find(slug);
    if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
    return lesson;
  }

  findCellOrThrow(slug: string, cellId: string): { lesson: Lesson; cell: LessonCell } {
    const lesson = this.findOrThrow(slug);
    const cell = lesson.cells.find((candidate) => candidate.id === cellId);
    if (!cell) throw new AppError("not_found", `Lesson "${slug}" has no cell "${cellId}".`);
    return { lesson, cell };
  }

  /** The code of an exercise cell's solution. Server-side only: never sent to a browser. */
  readSolution(slug: string, cell: LessonCell): string {
    return readSolution(this.projectRoot, slug, cell);
  }
}

/** Every lesson, read afresh (tests, benchmarks and tools; the course reads them through its LessonCatalog). */
export function listLessons(projectRoot: string): Lesson[] {
  return new LessonCatalog(projectRoot).list();
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

/**
 * The lesson's cells in order, with solutions in place of exercise cells (for tests and fixtures);
 * `skipOptional` leaves out the cells the lesson marks optional, as a learner may.
 */
export function lessonProgram(projectRoot: string, slug: string, options: { skipOptional?: boolean } = {}): Array<{ id: string; code: string }> {
  const lesson = findLesson(projectRoot, slug);
  if (!lesson) throw new Error(`No lesson with slug "${slug}"`);
  return lesson.cells
    .filter((cell) => !(options.skipOptional && cell.optional))
    .map((cell) => ({ id: cell.id, code: cell.exercise ? readSolution(projectRoot, slug, cell) : cell.source }));
}
