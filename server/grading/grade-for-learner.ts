import path from "node:path";
import { grade, type ExerciseId } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import type { CourseConfig } from "../config/config";
import type { Learner } from "../identity/course-identity";
import type { LearnerRuntimes } from "../learners/learner-runtime";
import { inWorkspace } from "../mlflow-proxy/ui-links";
import { readSavedCode } from "../store/cells";
import type { Store } from "../store/database";

/** What grading needs of the course. */
export type GradingDeps = { config: CourseConfig; store: Store; learners: LearnerRuntimes };

/** Exercises graded on the code of one cell, not on MLflow's state: the lesson and the cell. */
export const CODE_GRADED_EXERCISES: Readonly<Record<string, { lesson: string; cell: string }>> = {
  "spark-integration": { lesson: "spark-integration", cell: "predict-with-udf" },
};

/**
 * Grades one exercise on the learner's live state, the one way the course does it: for a Check,
 * for a lesson's needs and after a catch-up. `learnerCode` replaces the learner's saved code of
 * an exercise graded from code (a catch-up grades the reference solution that way).
 */
export async function gradeForLearner(course: GradingDeps, learner: Learner, exerciseId: ExerciseId, options: { attempt?: number; learnerCode?: string } = {}): Promise<ExerciseReport> {
  const { config, store: db } = course;
  const runtime = course.learners.get(learner.id);
  // Only the learner's own server: the Serve panel's, or one started by hand where the lessons'
  // port is theirs and the course reaches it (server/learners/lessons-port.ts); otherwise the check
  // says to start one.
  const modelServerUrl = exerciseId === "model-serving" ? await runtime.modelServer.addressForGrading() : undefined;
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
    // The helpers load the learner's model and run their Spark code: as the learner's processes start (in their sandbox when there is one).
    launcher: runtime.helperLauncher(),
    // A Spark Check's JVM takes one of the machine's Spark slots, as learners' sessions do.
    sparkAdmission: () => runtime.spark.admitCheck(),
    // A helper loading the learner's model waits for one of the machine's helper slots (a class's Checks at once
    // would otherwise share the cores until every helper's time limit ran out); the wait is not counted in its limit.
    helperAdmission: () => runtime.admitHelper(),
  });
}

/** Links of a report open the MLflow UI in the learner's own workspace. */
export function linkIntoWorkspace(report: ExerciseReport, learner: Learner): ExerciseReport {
  if (!learner.workspace) return report;
  for (const check of report.checks) if (check.link) check.link = inWorkspace(check.link, learner.workspace);
  if (report.gradedRun) report.gradedRun.link = inWorkspace(report.gradedRun.link, learner.workspace);
  return report;
}
