import { LessonFormatError, splitFrontMatter, type LessonFrontMatter } from "./front-matter";

/** A lesson as the course uses it: prose, runnable cells, hints and callouts, in order. */
export type LessonSegment =
  | { kind: "markdown"; markdown: string }
  | { kind: "cell"; cell: LessonCell }
  | { kind: "hint"; exercise: string; level: 1 | 2 | 3; markdown: string }
  | { kind: "callout"; variant: "note" | "tip" | "warning"; title: string; markdown: string }
  | { kind: "widget"; name: LessonWidget };

/** Interactive panels a lesson can place with `:::widget <name>` / `:::`. */
export const LESSON_WIDGETS = ["serve-panel", "request-playground"] as const;
export type LessonWidget = (typeof LESSON_WIDGETS)[number];

export type LessonCell = {
  id: string;
  /** The exercise this cell belongs to; its code is starter code the learner completes. */
  exercise?: string;
  /** The lesson says the cell may be skipped: no later cell and no Check depends on it. */
  optional?: true;
  /** Starter code for exercise cells, the code itself for the others. */
  source: string;
  /** Position among the lesson's runnable cells (0-based). */
  index: number;
};

export type ParsedLesson = {
  frontMatter: LessonFrontMatter;
  segments: LessonSegment[];
  cells: LessonCell[];
};

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CALLOUTS = new Set(["note", "tip", "warning"]);
const CELL_ATTRIBUTES = new Set(["cell", "exercise", "id", "optional"]);

export function parseLesson(source: string, file: string): ParsedLesson {
  const { frontMatter, body, bodyLine } = splitFrontMatter(source, file);
  const lines = body.split(/\r?\n/);
  const segments: LessonSegment[] = [];
  const cells: LessonCell[] = [];
  let prose: string[] = [];
  const at = (index: number) => `line ${bodyLine + index}`;
  const fail = (index: number, problem: string): never => {
    throw new LessonFormatError(file, null, `${at(index)}: ${problem}`);
  };

  const flushProse = () => {
    const markdown = prose.join("\n").trim();
    if (markdown) segments.push({ kind: "markdown", markdown });
    prose = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(`{3,})python\s+(.*\S)\s*$/.exec(line);
    const fenceAttributes = fence ? parseAttributes(fence[2]) : null;
    if (fence && fenceAttributes && ("cell" in fenceAttributes || "exercise" in fenceAttributes)) {
      const { id, exercise } = fenceAttributes;
      if (!id) fail(i, "a runnable cell needs an id, e.g. ```python cell id=load-data");
      if (!ID.test(id)) fail(i, `cell id "${id}" must be lowercase letters, digits and single hyphens`);
      if (cells.some((cell) => cell.id === id)) fail(i, `cell id "${id}" is used twice`);
      if ("exercise" in fenceAttributes) {
        if (!exercise) fail(i, "an exercise cell names its exercise, e.g. ```python exercise=tracking-exercise id=track");
        if (!frontMatter.exercises.includes(exercise)) fail(i, `exercise "${exercise}" is not listed in the front matter's exercises`);
      }
      const optional = "optional" in fenceAttributes;
      if (optional && fenceAttributes.optional !== "") fail(i, "`optional` takes no value: ```python cell id=my-cell optional");
      if (optional && "exercise" in fenceAttributes) fail(i, "an exercise cell cannot be optional: its Check grades it");
      const unknown = Object.keys(fenceAttributes).filter((key) => !CELL_ATTRIBUTES.has(key));
      if (unknown.length > 0) fail(i, `unknown cell attribute ${unknown.map((key) => `"${key}"`).join(", ")}; a cell takes cell, exercise=, id= and optional`);
      const end = findFenceEnd(lines, i, fence[1]);
      if (end < 0) fail(i, "this code block is never closed");
      flushProse();
      const cell: LessonCell = { id, source: lines.slice(i + 1, end).join("\n"), index: cells.length, ...(exercise ? { exercise } : {}), ...(optional ? { optional: true as const } : {}) };
      cells.push(cell);
      segments.push({ kind: "cell", cell });
      i = end;
      continue;
    }
    if (/^`{3,}/.test(line)) {
      // Display-only code: copied into the prose untouched, directives inside it included.
      const end = findFenceEnd(lines, i, /^(`{3,})/.exec(line)![1]);
      if (end < 0) fail(i, "this code block is never closed");
      prose.push(...lines.slice(i, end + 1));
      i = end;
      continue;
    }
    const directive = /^:::(\w+)(?:\s+(.*\S))?\s*$/.exec(line);
    if (directive) {
      const [, keyword, rest = ""] = directive;
      const end = lines.findIndex((candidate, index) => index > i && /^:::\s*$/.test(candidate));
      if (end < 0) fail(i, `the :::${keyword} block is never closed with :::`);
      const markdown = lines.slice(i + 1, end).join("\n").trim();
      flushProse();
      if (keyword === "hint") {
        const attributes = parseAttributes(rest);
        const level = Number(attributes.level);
        if (!attributes.exercise || !frontMatter.exercises.includes(attributes.exercise)) {
          fail(i, `a hint names an exercise listed in the front matter, e.g. :::hint exercise=${frontMatter.exercises[0] ?? "my-exercise"} level=1`);
        }
        if (level !== 1 && level !== 2 && level !== 3) fail(i, "a hint's level is 1 (a nudge), 2 (the API to use) or 3 (nearly the answer)");
        segments.push({ kind: "hint", exercise: attributes.exercise, level: level as 1 | 2 | 3, markdown });
      } else if (keyword === "widget") {
        if (!(LESSON_WIDGETS as readonly string[]).includes(rest)) fail(i, `unknown widget "${rest}" (widgets: ${LESSON_WIDGETS.join(", ")})`);
        segments.push({ kind: "widget", name: rest as LessonWidget });
      } else if (CALLOUTS.has(keyword)) {
        segments.push({ kind: "callout", variant: keyword as "note" | "tip" | "warning", title: rest, markdown });
      } else {
        fail(i, `unknown block :::${keyword} (use :::note, :::tip, :::warning, :::hint or :::widget)`);
      }
      i = end;
      continue;
    }
    prose.push(line);
  }
  flushProse();
  return { frontMatter, segments, cells };
}

function findFenceEnd(lines: string[], start: number, ticks: string): number {
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].trimEnd() === ticks) return i;
  }
  return -1;
}

/** `cell id=load-data exercise=x` -> { cell: "", id: "load-data", exercise: "x" } */
function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const [key, ...value] = token.split("=");
    attributes[key] = value.join("=").replace(/^"(.*)"$/, "$1");
  }
  return attributes;
}
