import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";
import { ConfigError, type CourseConfig } from "./config";

/** The shortest COURSE_INSTRUCTOR_PASSWORD taken (the generated one has 12 characters, about 60 bits). */
export const INSTRUCTOR_PASSWORD_MIN_LENGTH = 12;

/**
 * zxcvbn's score 3: about 10^8 guesses or more by its estimate (common passwords, words, names,
 * keyboard walks, dates and repeats all counted as the cracker would), which the sign-in limit of
 * ten wrong passwords a minute per address makes decades of guessing.
 */
const MIN_SCORE = 3;

/** Words that make a guessable password for this course in particular. */
const COURSE_WORDS = ["mlflow", "training", "instructor", "teacher", "course", "class", "classroom", "databricks", "spark"];

let estimator: ZxcvbnFactory | undefined;

/** Why `password` is too easy to guess for the instructor's, or null when it is not. */
export function instructorPasswordWeakness(password: string): string | null {
  if (password.length < INSTRUCTOR_PASSWORD_MIN_LENGTH) return `it has ${password.length} characters; use at least ${INSTRUCTOR_PASSWORD_MIN_LENGTH}`;
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs, translations: english.translations });
  const verdict = estimator.check(password, COURSE_WORDS);
  if (verdict.score >= MIN_SCORE) return null;
  const warning = verdict.feedback.warning;
  const why =
    warning === null ? "it is made of common words or patterns a guesser tries first" : /personal or page related/.test(warning) ? "it is built on a word about the course (mlflow, training, teacher...)" : warning;
  return `${why.replace(/\.$/, "")} (about 10^${Math.floor(Math.log10(verdict.guesses))} guesses)`;
}

/**
 * Refuses to start a class with an instructor password that is easy to guess. Unset, the course
 * generates one (printed once at the first classroom start), which is the default to prefer.
 */
export function assertInstructorPasswordStrong(config: CourseConfig): void {
  const password = config.classroom.instructorPassword;
  if (config.mode !== "classroom" || !password) return;
  const weakness = instructorPasswordWeakness(password);
  if (weakness === null) return;
  throw new ConfigError([
    `COURSE_INSTRUCTOR_PASSWORD is too easy to guess: ${weakness}. ` +
      `Choose a longer one (four unrelated words, or ${INSTRUCTOR_PASSWORD_MIN_LENGTH}+ random characters), ` +
      "or unset it: the course then makes one and prints it once at the first classroom start.",
  ]);
}
