import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const lessonFrontMatterSchema = z.object({
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase letters, digits and single hyphens"),
  title: z.string().min(1, "must not be empty"),
  order: z.number().int("must be a whole number").nonnegative("must not be negative"),
  minutes: z.number().positive("must be a positive number of minutes"),
  exercises: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "exercise ids are lowercase with hyphens")).default([]),
  summary: z.string().default(""),
  /**
   * Exercises of earlier lessons whose MLflow state this lesson's cells build on (lesson 4 needs
   * the tracking exercise's logged model). The page checks them with the grader and offers catch-up.
   */
  needs: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "exercise ids are lowercase with hyphens")).default([]),
});

export type LessonFrontMatter = z.infer<typeof lessonFrontMatterSchema>;

export class LessonFormatError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    problem: string,
  ) {
    super(`${file}: ${field ? `front matter field "${field}" ${problem}` : problem}`);
    this.name = "LessonFormatError";
  }
}

/** Splits a lesson file into validated front matter and its Markdown body. */
export function splitFrontMatter(source: string, file: string): { frontMatter: LessonFrontMatter; body: string; bodyLine: number } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) throw new LessonFormatError(file, null, "must start with front matter between two `---` lines");
  let raw: unknown;
  try {
    raw = parseYaml(match[1]);
  } catch (error) {
    throw new LessonFormatError(file, null, `has front matter that is not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new LessonFormatError(file, null, "has front matter that is not a YAML mapping of fields");
  }
  const result = lessonFrontMatterSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join(".") : null;
    const missing = issue.code === "invalid_type" && (raw as Record<string, unknown>)[String(issue.path[0])] === undefined;
    throw new LessonFormatError(file, field, missing ? "is missing" : issue.message);
  }
  const bodyLine = match[0].split("\n").length;
  return { frontMatter: result.data, body: source.slice(match[0].length), bodyLine };
}
