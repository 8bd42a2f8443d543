import path from "node:path";
import { grade, isExerciseId, EXERCISE_IDS } from "@/grader/grade";
import type { ExerciseReport } from "@/grader/report";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import type { Learner } from "../identity/current-learner";
import { recordAttempt, countedAttempts } from "../store/attempts";
import { getModelServers } from "../model-servers/course-model-servers";
import { inWorkspace } from "../mlflow-proxy/ui-links";
import { readSavedCode } from "../store/cells";
import { storeActionLedger } from "../store/action-ledger";
import { getStore } from "../store/database";
import { sandboxLauncherFor } from "../sandbox/sandboxed-process";
import { RateLimiter } from "./rate-limit";

/** Checks a learner may run in a minute (one at a time), counted in the store across course instances. */
const CHECKS_PER_MINUTE = 6;

export type CheckResponse = { report: ExerciseReport; attempt: number };

/** Grades an exercise for the learner and stores the attempt. */
export async function checkExercise(learner: Learner, exerciseId: string): Promise<CheckResponse> {
  if (!isExerciseId(exerciseId)) {
    throw new AppError("not_found", `There is no exercise "${exerciseId}". Exercises: ${EXERCISE_IDS.join(", ")}.`);
  }
  const config = getConfig();
  const db = await getStore(config.dataDir);
  const limiter = new RateLimiter("check", CHECKS_PER_MINUTE, 60_000, Date.now, storeActionLedger(db));
  return limiter.run(learner.id, async () => {
    const attempt = (await countedAttempts(db, learner.id, exerciseId)) + 1;
    // Only the learner's own server: the Serve panel's. Solo without a sandbox, the whole machine
    // is the learner's, so a server started by hand on the lessons' port counts too; in a class
    // that port may be another learner's, and in a sandbox it is inside the learner's network,
    // so without a Serve panel server the check says to start one.
    const byHand = config.mode === "solo" && !config.sandbox.enabled;
    const modelServerUrl = exerciseId === "model-serving" ? ((await getModelServers().readyUrl(learner.id)) ?? (byHand ? `http://127.0.0.1:${config.modelServers.defaultPort}` : null)) : undefined;
    // Graded from code: the learner's saved code of the lesson's exercise cell.
    const learnerCode = exerciseId === "spark-integration" ? (await readSavedCode(db, learner.id, "spark-integration"))["predict-with-udf"] : undefined;
    const report = await grade(exerciseId, {
      // Graded in the learner's own workspace (classroom mode), never one the client names.
      mlflow: { baseUrl: config.mlflow.url, ...(learner.workspace ? { workspace: learner.workspace } : {}) },
      learner: learner.id,
      attempt,
      modelServerUrl,
      // In the course the Serve panel starts the learner's server: the hints say to press Start there.
      modelServerControl: "serve-panel",
      learnerCode,
      pythonBin: path.join(config.python.bin, "python"),
      // The helpers load the learner's model and run their Spark code: in their sandbox when there is one.
      ...(config.sandbox.enabled ? { launcher: sandboxLauncherFor(config, learner.id) } : {}),
    });
    await recordAttempt(db, learner.id, report);
    // Links open the MLflow UI in the learner's own workspace.
    if (learner.workspace) {
      for (const check of report.checks) if (check.link) check.link = inWorkspace(check.link, learner.workspace);
      if (report.gradedRun) report.gradedRun.link = inWorkspace(report.gradedRun.link, learner.workspace);
    }
    return { report, attempt };
  });
}
