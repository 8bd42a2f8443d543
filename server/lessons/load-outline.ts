import fs from "node:fs";
import path from "node:path";
import { splitFrontMatter, type LessonFrontMatter } from "./front-matter";

export type OutlineEntry = LessonFrontMatter & { file: string };

export function lessonsDir(projectRoot: string): string {
  return path.join(projectRoot, "lessons");
}

export function lessonFiles(projectRoot: string): string[] {
  const dir = lessonsDir(projectRoot);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{2}-[a-z0-9-]+\.md$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The course outline: every lesson's front matter, in order. */
export function loadOutline(projectRoot: string): OutlineEntry[] {
  return lessonFiles(projectRoot)
    .map((file) => ({ ...splitFrontMatter(fs.readFileSync(file, "utf8"), path.relative(projectRoot, file)).frontMatter, file }))
    .sort((a, b) => a.order - b.order);
}
