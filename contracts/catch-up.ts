import type { ExerciseReport } from "./report";

/** Catch me up: what a lesson builds on (`GET /api/lessons/<slug>/needs`) and what a catch-up did (`POST .../catch-up`). */

/** One thing a lesson builds on, as its page shows it. */
export type LessonNeed = {
  exercise: string;
  title: string;
  lesson: { slug: string; title: string; order: number };
  met: boolean;
  /** Not met: the first check that failed, in the grader's words. */
  problem?: string;
};

export type LessonNeeds = { needs: LessonNeed[]; catchUp: "offered" | "never" };

/** What one catch-up did for one exercise; `solutions` are shown only once they have run. */
export type CaughtUpExercise = {
  exercise: string;
  title: string;
  lesson: { slug: string; title: string };
  status: "caught-up" | "failed";
  /** The reference code that ran (exercise cells), with the learner's own code of those cells. */
  solutions: Array<{ cellId: string; code: string; yours: string | null }>;
  /** What was done when it is not code: the Serve panel's start. */
  action?: string;
  report: ExerciseReport;
};

export type CatchUpResult = { exercises: CaughtUpExercise[]; output: string; problem?: string };
