import path from "node:path";
import { grade, type ExerciseId } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import type { CourseConfig } from "../config/config";
import type { Learner } from "../identity/current-learner";
import { inWorkspace } from "../mlflow-proxy/ui-links";
import { getModelServers } from "../model-servers/course-model-servers";
import { sandboxLauncherFor } from "../sandbox/sandboxed-process";
import { readSavedCode } from "../store/cells";
import type { Store } from "../store/database";

/** Exercises graded on the code of one cell, not on MLflow's state: the lesson and the cell. */
export const CODE_GRADED_EXERCISES: Readonly<Record<string, { lesson: string; cell: string }>> = {
  "spark-integration": { lesson: "spark-integration", cell: "predict-with-udf" },
};

/**
 * Grades one exercise on the learner's live state, the one way the course does it: for a Check,
 * for a lesson's needs and after a catch-up. `learnerCode` replaces the learner's saved code of
 * an exercise graded from code (a catch-up grades the reference solution that way).
 */
export async function gradeForLearner(
  config: CourseConfig,
  db: Store,
  learner: Learner,
  exerciseId: ExerciseId,
  options: { attempt?: number; learnerCode?: string } = {},
): Promise<ExerciseReport> {
  // Only the learner's own server: the Serve panel's. Solo without a sandbox, the whole machine
  // is the learner's, so a server started by hand on the lessons' port counts too; in a class
  // that port may be another learner's, and in a sandbox it is inside the learner's network,
  // so without a Serve panel server the check says to start one.
  const byHand = config.mode === "solo" && !config.sandbox.enabled;
  const modelServerUrl =
    exerciseId === "model-serving" ? ((await getModelServers().readyUrl(learner.id)) ?? (byHand ? `http://127.0.0.1:${config.modelServers.defaultPort}` : null)) : undefined;
  // Graded from code: the learner's saved code of the lesson's exercise cell.
  const graded = CODE_GRADED_EXERCISES[exerciseId];
  const learnerCode = graded ? (options.learnerCode ?? (await readSavedCode(db, learner.id, graded.lesson))[graded.cell]) : undefined;
  return grade(exerciseId, {
    // Graded in the learner's own workspace (classroom mode), never one the client names.
    mlflow: { baseUrl: config.mlflow.url, ...(learner.workspace ? { workspace: learner.workspace } : {}) },
    learner: learner.id,
    attempt: options.attempt ?? 1,
    modelServerUrl,
    // In the course the Serve panel starts the learner's server: the hints say to press Start there.
    modelServerControl: "serve-panel",
    learnerCode,
    pythonBin: path.join(config.python.bin, "python"),
    // The helpers load the learner's model and run their Spark code: in their sandbox when there is one.
    ...(config.sandbox.enabled ? { launcher: sandboxLauncherFor(config, learner.id) } : {}),
  });
}

/** Links of a report open the MLflow UI in the learner's own workspace. */
export function linkIntoWorkspace(report: ExerciseReport, learner: Learner): ExerciseReport {
  if (!learner.workspace) return report;
  for (const check of report.checks) if (check.link) check.link = inWorkspace(check.link, learner.workspace);
  if (report.gradedRun) report.gradedRun.link = inWorkspace(report.gradedRun.link, learner.workspace);
  return report;
}
