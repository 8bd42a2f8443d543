import type { CheckResponse } from "@/contracts/check";
import { isExerciseId, EXERCISE_IDS } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import { exerciseCatchUpOffer } from "../classroom/catch-up-policy";
import { AppError } from "../errors/app-error";
import type { Learner } from "../identity/course-identity";
import { caughtUpExercises, completedExercises, countedAttempts, recordAttempt } from "../store/attempts";
import { storeActionLedger } from "../store/action-ledger";
import type { Store } from "../store/database";
import { CODE_GRADED_EXERCISES, gradeForLearner, linkIntoWorkspace, type GradingDeps } from "./grade-for-learner";
import { RateLimiter } from "./rate-limit";

/** Checks a learner may run in a minute (one at a time), counted in the store across course instances. */
const CHECKS_PER_MINUTE = 6;

/** Grades an exercise for the learner and stores the attempt. */
export async function checkExercise(course: GradingDeps, learner: Learner, exerciseId: string): Promise<CheckResponse> {
  if (!isExerciseId(exerciseId)) {
    throw new AppError("not_found", `There is no exercise "${exerciseId}". Exercises: ${EXERCISE_IDS.join(", ")}.`);
  }
  const { config, store: db } = course;
  const limiter = new RateLimiter("check", CHECKS_PER_MINUTE, 60_000, Date.now, storeActionLedger(db));
  return limiter.run(learner.id, async () => {
    const attempt = (await countedAttempts(db, learner.id, exerciseId)) + 1;
    const report = await gradeForLearner(course, learner, exerciseId, { attempt });
    const caughtUp = report.status === "passed" && (await passesOnCaughtUpState(db, learner.id, exerciseId, report));
    await recordAttempt(db, learner.id, report, { caughtUp });
    linkIntoWorkspace(report, learner);
    const offer = await exerciseCatchUpOffer(db, config, learner.id, exerciseId);
    return { report, attempt, caughtUp, catchUpOffered: offer.offered && report.status !== "passed" };
  });
}

/**
 * A pass after a catch-up is the learner's own only when it grades something the catch-up did
 * not make: their own code (an exercise graded from code), or a run other than the one the
 * catch-up was graded on. Otherwise it is the catch-up's state passing again: still caught up.
 */
async function passesOnCaughtUpState(db: Store, learnerId: string, exerciseId: string, report: ExerciseReport): Promise<boolean> {
  const caughtUpRuns = (await caughtUpExercises(db, learnerId)).get(exerciseId);
  if (!caughtUpRuns || CODE_GRADED_EXERCISES[exerciseId]) return false;
  if ((await completedExercises(db, learnerId)).has(exerciseId)) return false;
  return !report.gradedRun || caughtUpRuns.has(report.gradedRun.runId);
}
