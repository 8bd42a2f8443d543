import path from "node:path";
import type { CatchUpResult, CaughtUpExercise, LessonNeed, LessonNeeds } from "@/contracts/catch-up";
import { EXERCISES, isExerciseId, type ExerciseId } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import { exerciseCatchUpOffer, readCatchUpPolicy } from "../classroom/catch-up-policy";
import { AppError } from "../errors/app-error";
import { gradeForLearner, linkIntoWorkspace, type GradingDeps } from "../grading/grade-for-learner";
import { RateLimiter } from "../grading/rate-limit";
import type { Learner } from "../identity/course-identity";
import type { LearnerModelServer } from "../learners/learner-model-server";
import type { Lesson, LessonCatalog } from "../lessons/lesson-catalog";
import { waitUntil, WaitTimeoutError } from "@/lib/process/wait-until";
import { storeActionLedger } from "../store/action-ledger";
import { recordAttempt } from "../store/attempts";
import { readSavedCode } from "../store/cells";
import { exercisesToMake, lessonOfExercise, planCatchUp, type CatchUpStep } from "./catch-up-plan";
import { runSolutionCells } from "./run-solution-cells";

/** A catch-up runs the reference cells and grades: one at a time per learner, a few an hour. */
const CATCH_UPS_PER_WINDOW = 6;
const CATCH_UP_WINDOW_MS = 60 * 60_000;
/** The longest a lesson's reference cells may run (lesson 4's sweep trains and logs three models). */
const CELLS_TIMEOUT_MS = 10 * 60_000;
const SERVER_READY_TIMEOUT_MS = 180_000;

/** What catching up needs of the course: grading's, and the lessons. */
export type CatchUpDeps = GradingDeps & { lessons: LessonCatalog };

/** The exercises a lesson builds on, each graded on the learner's live MLflow state now. */
export async function lessonNeeds(course: CatchUpDeps, learner: Learner, slug: string): Promise<LessonNeeds> {
  const lessons = course.lessons.list();
  const lesson = lessons.find((candidate) => candidate.frontMatter.slug === slug);
  if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
  const needs = await Promise.all(
    lesson.frontMatter.needs.filter(isExerciseId).map(async (exercise): Promise<LessonNeed> => {
      const report = await gradeOrThrow(course, learner, exercise);
      const from = lessonOfExercise(lessons, exercise)!.frontMatter;
      const firstMiss = report.checks.find((check) => check.status === "failed" && !check.optional);
      return {
        exercise,
        title: EXERCISES[exercise].title,
        lesson: { slug: from.slug, title: from.title, order: from.order },
        met: report.status === "passed",
        ...(report.status === "passed" ? {} : { problem: firstMiss?.message ?? "It does not pass its Check yet." }),
      };
    }),
  );
  const policy = await readCatchUpPolicy(course.store, course.config);
  return { needs, catchUp: policy.mode === "never" ? "never" : "offered" };
}

/** Catch me up on what a lesson needs: always offered, unless the class says never. */
export async function catchUpLesson(course: CatchUpDeps, learner: Learner, slug: string): Promise<CatchUpResult> {
  const lesson = course.lessons.find(slug);
  if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
  const policy = await readCatchUpPolicy(course.store, course.config);
  if (policy.mode === "never") throw new AppError("forbidden", "Your instructor has turned catch-up off for this class: ask them for help with the exercises this lesson builds on.");
  return catchUp(course, learner, lesson.frontMatter.needs);
}

/** Catch me up on one exercise (the Check panel): as the class's setting allows. */
export async function catchUpExercise(course: CatchUpDeps, learner: Learner, exercise: string): Promise<CatchUpResult> {
  if (!isExerciseId(exercise)) throw new AppError("not_found", `There is no exercise "${exercise}".`);
  const offer = await exerciseCatchUpOffer(course.store, course.config, learner.id, exercise);
  if (!offer.offered) {
    throw new AppError(
      "forbidden",
      offer.policy.mode === "never"
        ? "Your instructor has turned catch-up off for this class."
        : `Catch me up opens after ${offer.policy.mode === "after-failures" ? offer.policy.failures : 0} failed Checks of this exercise; you have ${offer.failed}. Try the hints first.`,
    );
  }
  return catchUp(course, learner, [exercise]);
}

async function catchUp(course: CatchUpDeps, learner: Learner, targets: readonly string[]): Promise<CatchUpResult> {
  const limiter = new RateLimiter("catch-up", CATCH_UPS_PER_WINDOW, CATCH_UP_WINDOW_MS, Date.now, storeActionLedger(course.store));
  return limiter.run(learner.id, async () => {
    const lessons = course.lessons.list();
    const passes = async (exercise: string) => !isExerciseId(exercise) || (await gradeOrThrow(course, learner, exercise)).status === "passed";
    const toMake = await exercisesToMake(lessons, targets, passes);
    const steps = planCatchUp(lessons, toMake, (lesson, cell) => course.lessons.readSolution(lesson.frontMatter.slug, cell));
    const result: CatchUpResult = { exercises: [], output: "" };
    for (const step of steps) {
      const made = await runStep(course, learner, lessons, step);
      result.output += made.output;
      result.exercises.push(...made.exercises);
      if (made.problem) {
        result.problem = made.problem;
        break;
      }
    }
    return result;
  });
}

async function runStep(course: CatchUpDeps, learner: Learner, lessons: Lesson[], step: CatchUpStep): Promise<{ exercises: CaughtUpExercise[]; output: string; problem?: string }> {
  const { config, store: db } = course;
  const runtime = course.learners.get(learner.id);
  const lesson = lessons.find((candidate) => candidate.frontMatter.slug === step.lesson)!;
  const saved = await readSavedCode(db, learner.id, step.lesson);
  let output = "";
  let action: string | undefined;
  let learnerCode: string | undefined;
  if (step.kind === "cells") {
    const ran = await runSolutionCells({
      projectRoot: config.projectRoot,
      pythonBin: path.join(config.python.bin, "python"),
      trackingUri: config.mlflow.url,
      ...(learner.workspace ? { workspace: learner.workspace } : {}),
      cells: step.cells,
      // The reference code runs as learner code does: in the learner's sandbox, with their MLflow token.
      launcher: runtime.helperLauncher(),
      timeoutMs: CELLS_TIMEOUT_MS,
    });
    output = `── ${lesson.frontMatter.title}\n${ran.output}\n`;
    if (!ran.ok) {
      return {
        exercises: [],
        output,
        problem: `The reference cells of lesson ${lesson.frontMatter.order} did not finish${ran.failedCell ? ` (cell ${ran.failedCell}: ${ran.error})` : ` (${ran.error})`}. Nothing was recorded; tell your instructor.`,
      };
    }
  } else if (step.kind === "serve") {
    const view = await runtime.modelServer.view();
    const port = view.exists ? view.port : view.defaultPort;
    await runtime.modelServer.start(step.modelUri, port, learner.workspace);
    await waitForServer(runtime.modelServer);
    action = `Started your model server on ${step.modelUri} (port ${port}), as the Serve panel's Start does.`;
    output = `── ${lesson.frontMatter.title}\n${action}\n`;
  } else {
    learnerCode = step.code;
  }
  const exercises: CaughtUpExercise[] = [];
  for (const exercise of step.exercises.filter(isExerciseId)) {
    const report = linkIntoWorkspace(await gradeForLearner(course, learner, exercise, { learnerCode }), learner);
    const solutionCells = step.kind === "cells" ? step.cells.filter((cell) => cell.solution && lesson.cells.find((c) => c.id === cell.id)?.exercise === exercise) : step.kind === "graded-code" ? [{ id: step.cellId, code: step.code }] : [];
    const made: CaughtUpExercise = {
      exercise,
      title: EXERCISES[exercise].title,
      lesson: { slug: lesson.frontMatter.slug, title: lesson.frontMatter.title },
      status: report.status === "passed" ? "caught-up" : "failed",
      solutions: solutionCells.map((cell) => ({ cellId: cell.id, code: cell.code, yours: saved[cell.id] ?? null })),
      ...(action ? { action } : {}),
      report,
    };
    if (report.status === "passed") await recordAttempt(db, learner.id, report, { caughtUp: true });
    exercises.push(made);
    if (report.status !== "passed") {
      const miss = report.checks.find((check) => check.status !== "passed" && check.status !== "skipped" && !check.optional);
      return { exercises, output, problem: `After the catch-up, "${made.title}" still does not pass (${miss?.title ?? "a check"}: ${miss?.message ?? report.status}). Nothing was recorded for it; tell your instructor.` };
    }
  }
  return { exercises, output };
}

async function gradeOrThrow(course: GradingDeps, learner: Learner, exercise: ExerciseId): Promise<ExerciseReport> {
  const report = await gradeForLearner(course, learner, exercise);
  if (report.status === "error") {
    const failure = report.checks.find((check) => check.status === "error");
    throw new AppError("mlflow_unreachable", `Could not read your MLflow state to check "${EXERCISES[exercise].title}": ${failure?.message ?? "the grader reported an error"}`);
  }
  return report;
}

async function waitForServer(server: LearnerModelServer): Promise<void> {
  try {
    await waitUntil(
      async () => {
        if (await server.readyUrl()) return true;
        const status = await server.status();
        if (status && (status.state === "failed" || status.state === "stopped")) {
          throw new AppError("service_unavailable", `Your model server did not start: ${status.reason ?? "see the Serve panel's log"}`);
        }
        return false;
      },
      { timeoutMs: SERVER_READY_TIMEOUT_MS, intervalMs: 500, probeErrors: "fail" },
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new AppError("timeout", `Your model server was not ready after ${SERVER_READY_TIMEOUT_MS / 1000} s; see the Serve panel's log.`);
    throw error;
  }
}
