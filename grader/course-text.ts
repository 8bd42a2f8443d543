import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { HintSet } from "./checks/check-spec";

/**
 * The Check's words live with the lessons, one YAML file per exercise in `lessons/messages/`
 * (format: lessons/README.md, "The Check's words"), so course authors edit them without reading
 * TypeScript. The grader keeps deciding which check failed and which message and hint tier fit;
 * this module only reads the words, checks them against what the code needs, and fills in the
 * placeholders (`{name}`) of messages.
 */

export const TEXT_FOLDER = path.join("lessons", "messages");

/**
 * What the code needs of one text file: per check, the hint kinds it may ask for (`default`
 * always); per message, the placeholders it fills in. A file must give exactly these: a missing
 * one or one the code does not know (a typo) is an error, and so is a placeholder a message does
 * not have.
 */
export type TextNeeds<Messages extends Record<string, readonly string[]>> = {
  checks?: Record<string, readonly string[]>;
  messages?: Messages;
};

type Values<Names extends readonly string[]> = { readonly [name in Names[number]]: string | number };

export type CourseText<Messages extends Record<string, readonly string[]>> = {
  /** The file, relative to the project (for messages about it). */
  file: string;
  title(checkId: string): string;
  hints(checkId: string): HintSet;
  message<Key extends keyof Messages & string>(key: Key, ...values: Messages[Key] extends readonly [] ? [] : [Values<Messages[Key]>]): string;
};

export class CourseTextError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "CourseTextError";
  }
}

const tiers = z.tuple([z.string().min(1), z.string().min(1), z.string().min(1)], {
  error: "must be a list of exactly three hints: a pointer, the API to use, nearly the line of code",
});
const fileSchema = z.strictObject({
  checks: z.record(z.string(), z.strictObject({ title: z.string().min(1), hints: z.record(z.string(), tiers) })).optional(),
  messages: z.record(z.string(), z.string().min(1)).optional(),
});

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Resolved when called (see expectedPredictionsScript): beside the sources, else from the project root. */
export function textFolder(): string {
  const here = (import.meta as { dirname?: string }).dirname;
  const besideSource = here ? path.resolve(/* turbopackIgnore: true */ here, "..", TEXT_FOLDER) : undefined;
  if (besideSource && fs.existsSync(besideSource)) return besideSource;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), TEXT_FOLDER);
}

const cache = new Map<string, CourseText<Record<string, readonly string[]>>>();
const needsByName = new Map<string, TextNeeds<Record<string, readonly string[]>>>();

/** Every text file the grader has read, with what it needs of it (for the test that breaks each one). */
export function loadedCourseTexts(): ReadonlyMap<string, TextNeeds<Record<string, readonly string[]>>> {
  return needsByName;
}

/** Reads `lessons/messages/<name>.yaml` once and checks it against what the code needs; throws CourseTextError. */
export function courseText<const Messages extends Record<string, readonly string[]> = Record<never, never>>(
  name: string,
  needs: TextNeeds<Messages>,
): CourseText<Messages> {
  const cached = cache.get(name);
  if (cached) return cached as CourseText<Messages>;
  const text = readCourseText(path.join(textFolder(), `${name}.yaml`), path.join(TEXT_FOLDER, `${name}.yaml`), needs);
  cache.set(name, text as CourseText<Record<string, readonly string[]>>);
  needsByName.set(name, needs);
  return text;
}

/** The uncached read, for tests: `file` is where it is read, `shownAs` how errors name it. */
export function readCourseText<const Messages extends Record<string, readonly string[]>>(
  file: string,
  shownAs: string,
  needs: TextNeeds<Messages>,
): CourseText<Messages> {
  const fail = (problem: string): never => {
    throw new CourseTextError(shownAs, problem);
  };
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch {
    return fail("the file is missing (the Check's words of this exercise)");
  }
  let document: unknown;
  try {
    document = parseYaml(source);
  } catch (error) {
    return fail(`not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`${issue.path.length > 0 ? issue.path.join(".") : "the file"} ${issue.message}`);
  }
  const checks = parsed.data.checks ?? {};
  const messages = parsed.data.messages ?? {};
  const neededChecks = needs.checks ?? {};
  const neededMessages: Record<string, readonly string[]> = needs.messages ?? {};

  for (const [checkId, kinds] of Object.entries(neededChecks)) {
    const check = checks[checkId] ?? fail(`checks.${checkId} is missing (its title and hints)`);
    for (const kind of ["default", ...kinds]) if (!check.hints[kind]) fail(`checks.${checkId}.hints.${kind} is missing`);
    for (const kind of Object.keys(check.hints)) {
      if (kind !== "default" && !kinds.includes(kind)) fail(`checks.${checkId}.hints.${kind} is not a hint kind this check uses (it uses ${list(["default", ...kinds])})`);
    }
  }
  for (const checkId of Object.keys(checks)) {
    if (!(checkId in neededChecks)) fail(`checks.${checkId} is not a check of this exercise (they are ${list(Object.keys(neededChecks))})`);
  }
  for (const [key, names] of Object.entries(neededMessages)) {
    const template = messages[key] ?? fail(`messages.${key} is missing`);
    for (const [, used] of template.matchAll(PLACEHOLDER)) {
      if (!names.includes(used)) fail(`messages.${key} uses {${used}}, which it does not have (${names.length > 0 ? `it has ${list(names.map((n) => `{${n}}`))}` : "it has no placeholders"})`);
    }
  }
  for (const key of Object.keys(messages)) {
    if (!(key in neededMessages)) fail(`messages.${key} is not a message of this exercise (they are ${list(Object.keys(neededMessages))})`);
  }

  const checkOf = (checkId: string) => (checkId in neededChecks ? checks[checkId] : undefined) ?? fail(`the code asked for check ${checkId}, which is not in the file's needs`);
  return {
    file: shownAs,
    title: (checkId) => checkOf(checkId).title,
    // Every needed check was checked above to have its `default` tiers.
    hints: (checkId) => checkOf(checkId).hints as unknown as HintSet,
    message(key, ...values) {
      const template = messages[key];
      if (template === undefined || !(key in neededMessages)) return fail(`the code asked for message ${key}, which is not in the file's needs`);
      const given = (values[0] ?? {}) as Record<string, string | number>;
      return template.replace(PLACEHOLDER, (_match, name: string) => String(given[name]));
    },
  };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
