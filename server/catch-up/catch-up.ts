import path from "node:path";
import type { CatchUpResult, CaughtUpExercise, LessonNeed, LessonNeeds } from "@/contracts/catch-up";
import { EXERCISES, isExerciseId, type ExerciseId } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import { readCatchUpPolicy, type CatchUpPolicy } from "../classroom/catch-up-policy";
import type { CourseConfig } from "../config/config";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { gradeForLearner, linkIntoWorkspace } from "../grading/grade-for-learner";
import { RateLimiter } from "../grading/rate-limit";
import type { Learner } from "../identity/current-learner";
import { findLesson, listLessons, readSolution, type Lesson } from "../lessons/lesson-catalog";
import { getModelServers } from "../model-servers/course-model-servers";
import { modelServerStatus, startModelServer } from "../model-servers/learner-model-server";
import { launchDirectly } from "@/lib/process/launch";
import { waitUntil, WaitTimeoutError } from "@/lib/process/wait-until";
import { sandboxLauncherFor } from "../sandbox/sandboxed-process";
import { storeActionLedger } from "../store/action-ledger";
import { countedAttempts, recordAttempt } from "../store/attempts";
import { readSavedCode } from "../store/cells";
import { getStore, type Store } from "../store/database";
import { exercisesToMake, lessonOfExercise, planCatchUp, type CatchUpStep } from "./catch-up-plan";
import { runSolutionCells } from "./run-solution-cells";

/** A catch-up runs the reference cells and grades: one at a time per learner, a few an hour. */
const CATCH_UPS_PER_WINDOW = 6;
const CATCH_UP_WINDOW_MS = 60 * 60_000;
/** The longest a lesson's reference cells may run (lesson 4's sweep trains and logs three models). */
const CELLS_TIMEOUT_MS = 10 * 60_000;
const SERVER_READY_TIMEOUT_MS = 180_000;

/** The exercises a lesson builds on, each graded on the learner's live MLflow state now. */
export async function lessonNeeds(learner: Learner, slug: string): Promise<LessonNeeds> {
  const config = getConfig();
  const lessons = listLessons(config.projectRoot);
  const lesson = lessons.find((candidate) => candidate.frontMatter.slug === slug);
  if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
  const db = await getStore(config.dataDir);
  const needs = await Promise.all(
    lesson.frontMatter.needs.filter(isExerciseId).map(async (exercise): Promise<LessonNeed> => {
      const report = await gradeOrThrow(config, db, learner, exercise);
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
  const policy = await readCatchUpPolicy(db, config);
  return { needs, catchUp: policy.mode === "never" ? "never" : "offered" };
}

/**
 * Whether the learner may catch up on an exercise itself (the Check panel's offer): the class's
 * choice (always, after N failed Checks of it, never); solo learners after N failed Checks.
 */
export async function exerciseCatchUpOffer(db: Store, config: CourseConfig, learnerId: string, exercise: string): Promise<{ offered: boolean; policy: CatchUpPolicy; failed: number }> {
  const policy = await readCatchUpPolicy(db, config);
  const failed = await countedAttempts(db, learnerId, exercise, "failed");
  return { offered: catchUpOffered(policy, failed), policy, failed };
}

/** The class's rule itself, given the learner's failed Checks of the exercise. */
export function catchUpOffered(policy: CatchUpPolicy, failedChecks: number): boolean {
  return policy.mode === "always" || (policy.mode === "after-failures" && failedChecks >= policy.failures);
}

/** Catch me up on what a lesson needs: always offered, unless the class says never. */
export async function catchUpLesson(learner: Learner, slug: string): Promise<CatchUpResult> {
  const config = getConfig();
  const lesson = findLesson(config.projectRoot, slug);
  if (!lesson) throw new AppError("not_found", `There is no lesson "${slug}".`);
  const db = await getStore(config.dataDir);
  const policy = await readCatchUpPolicy(db, config);
  if (policy.mode === "never") throw new AppError("forbidden", "Your instructor has turned catch-up off for this class: ask them for help with the exercises this lesson builds on.");
  return catchUp(config, db, learner, lesson.frontMatter.needs);
}

/** Catch me up on one exercise (the Check panel): as the class's setting allows. */
export async function catchUpExercise(learner: Learner, exercise: string): Promise<CatchUpResult> {
  if (!isExerciseId(exercise)) throw new AppError("not_found", `There is no exercise "${exercise}".`);
  const config = getConfig();
  const db = await getStore(config.dataDir);
  const offer = await exerciseCatchUpOffer(db, config, learner.id, exercise);
  if (!offer.offered) {
    throw new AppError(
      "forbidden",
      offer.policy.mode === "never"
        ? "Your instructor has turned catch-up off for this class."
        : `Catch me up opens after ${offer.policy.mode === "after-failures" ? offer.policy.failures : 0} failed Checks of this exercise; you have ${offer.failed}. Try the hints first.`,
    );
  }
  return catchUp(config, db, learner, [exercise]);
}

async function catchUp(config: CourseConfig, db: Store, learner: Learner, targets: readonly string[]): Promise<CatchUpResult> {
  const limiter = new RateLimiter("catch-up", CATCH_UPS_PER_WINDOW, CATCH_UP_WINDOW_MS, Date.now, storeActionLedger(db));
  return limiter.run(learner.id, async () => {
    const lessons = listLessons(config.projectRoot);
    const passes = async (exercise: string) => !isExerciseId(exercise) || (await gradeOrThrow(config, db, learner, exercise)).status === "passed";
    const toMake = await exercisesToMake(lessons, targets, passes);
    const steps = planCatchUp(lessons, toMake, (lesson, cell) => readSolution(config.projectRoot, lesson.frontMatter.slug, cell));
    const result: CatchUpResult = { exercises: [], output: "" };
    for (const step of steps) {
      const made = await runStep(config, db, learner, lessons, step);
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

async function runStep(config: CourseConfig, db: Store, learner: Learner, lessons: Lesson[], step: CatchUpStep): Promise<{ exercises: CaughtUpExercise[]; output: string; problem?: string }> {
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
      launcher: config.sandbox.enabled ? sandboxLauncherFor(config, learner.id) : launchDirectly,
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
    const view = await modelServerStatus(learner);
    const port = view.exists ? view.port : view.defaultPort;
    await startModelServer(learner, step.modelUri, port);
    await waitForServer(learner.id);
    action = `Started your model server on ${step.modelUri} (port ${port}), as the Serve panel's Start does.`;
    output = `── ${lesson.frontMatter.title}\n${action}\n`;
  } else {
    learnerCode = step.code;
  }
  const exercises: CaughtUpExercise[] = [];
  for (const exercise of step.exercises.filter(isExerciseId)) {
    const report = linkIntoWorkspace(await gradeForLearner(config, db, learner, exercise, { learnerCode }), learner);
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

async function gradeOrThrow(config: CourseConfig, db: Store, learner: Learner, exercise: ExerciseId): Promise<ExerciseReport> {
  const report = await gradeForLearner(config, db, learner, exercise);
  if (report.status === "error") {
    const failure = report.checks.find((check) => check.status === "error");
    throw new AppError("mlflow_unreachable", `Could not read your MLflow state to check "${EXERCISES[exercise].title}": ${failure?.message ?? "the grader reported an error"}`);
  }
  return report;
}

async function waitForServer(learnerId: string): Promise<void> {
  const servers = getModelServers();
  try {
    await waitUntil(
      async () => {
        if (await servers.readyUrl(learnerId)) return true;
        const status = await servers.status(learnerId);
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
