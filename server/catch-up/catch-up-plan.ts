import { LESSONS_MODEL_URI } from "@/contracts/model-server";
import { CODE_GRADED_EXERCISES } from "../grading/grade-for-learner";
import type { Lesson } from "../lessons/lesson-catalog";
import type { LessonCell } from "../lessons/parse-lesson";

/**
 * How Catch me up makes an exercise's state, one step per lesson, in course order:
 * - `cells`: the lesson's cells from its start through the last exercise cell of the step's
 *   exercises, reference solutions in place of those exercise cells (exercise cells of other
 *   exercises are left out: their state is there already, or nobody needs it; so are the cells the
 *   lesson marks optional, which nothing depends on);
 * - `serve`: an exercise graded on the learner's model server: the Serve panel's start;
 * - `graded-code`: an exercise graded on the code of one cell: the solution is what is graded.
 */
export type CatchUpStep =
  | { kind: "cells"; lesson: string; exercises: string[]; cells: Array<{ id: string; code: string; solution: boolean }> }
  | { kind: "serve"; lesson: string; exercises: [string]; modelUri: string }
  | { kind: "graded-code"; lesson: string; exercises: [string]; cellId: string; code: string };

/** Exercises made differently from running cells: graded on a model server, or on one cell's code. */
export const SERVED_EXERCISES: Readonly<Record<string, { modelUri: string }>> = { "model-serving": { modelUri: LESSONS_MODEL_URI } };

export function lessonOfExercise(lessons: readonly Lesson[], exercise: string): Lesson | undefined {
  return lessons.find((lesson) => lesson.frontMatter.exercises.includes(exercise));
}

/**
 * The exercises to make so that `targets` pass, prerequisites first: a target that does not pass
 * needs its own lesson's needs to pass before its solution can run (lesson 4's solution registers
 * the tracking exercise's model), and so on back. `passes` asks the grader; each exercise once.
 */
export async function exercisesToMake(lessons: readonly Lesson[], targets: readonly string[], passes: (exercise: string) => Promise<boolean>): Promise<string[]> {
  const decided = new Set<string>();
  const toMake = new Set<string>();
  const visit = async (exercise: string): Promise<void> => {
    if (decided.has(exercise)) return;
    decided.add(exercise);
    if (await passes(exercise)) return;
    for (const need of lessonOfExercise(lessons, exercise)?.frontMatter.needs ?? []) await visit(need);
    toMake.add(exercise);
  };
  for (const target of targets) await visit(target);
  return courseOrder(lessons, [...toMake]);
}

function courseOrder(lessons: readonly Lesson[], exercises: string[]): string[] {
  const all = lessons.flatMap((lesson) => lesson.frontMatter.exercises);
  return exercises.sort((a, b) => all.indexOf(a) - all.indexOf(b));
}

/** The steps that make `exercises` (from `exercisesToMake`), one per lesson and kind, in course order. */
export function planCatchUp(lessons: readonly Lesson[], exercises: readonly string[], solutionOf: (lesson: Lesson, cell: LessonCell) => string): CatchUpStep[] {
  const steps: CatchUpStep[] = [];
  for (const lesson of lessons) {
    const slug = lesson.frontMatter.slug;
    const here = lesson.frontMatter.exercises.filter((exercise) => exercises.includes(exercise));
    const byCells = here.filter((exercise) => !SERVED_EXERCISES[exercise] && !CODE_GRADED_EXERCISES[exercise]);
    if (byCells.length) {
      const lastCells = byCells.map((exercise) => lesson.cells.findLastIndex((cell) => cell.exercise === exercise));
      // An exercise without an exercise cell is graded on what the whole lesson's cells leave.
      const end = lastCells.some((index) => index < 0) ? lesson.cells.length - 1 : Math.max(...lastCells);
      const cells = lesson.cells
        .slice(0, end + 1)
        .filter((cell) => (cell.exercise ? byCells.includes(cell.exercise) : !cell.optional))
        .map((cell) => (cell.exercise ? { id: cell.id, code: solutionOf(lesson, cell), solution: true } : { id: cell.id, code: cell.source, solution: false }));
      steps.push({ kind: "cells", lesson: slug, exercises: byCells, cells });
    }
    for (const exercise of here) {
      const served = SERVED_EXERCISES[exercise];
      if (served) steps.push({ kind: "serve", lesson: slug, exercises: [exercise], modelUri: served.modelUri });
      const graded = CODE_GRADED_EXERCISES[exercise];
      const cell = graded && lesson.cells.find((candidate) => candidate.id === graded.cell);
      if (cell) steps.push({ kind: "graded-code", lesson: slug, exercises: [exercise], cellId: cell.id, code: solutionOf(lesson, cell) });
    }
  }
  return steps;
}
