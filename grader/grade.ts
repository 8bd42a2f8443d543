import { launchDirectly, type ProcessLauncher } from "@/lib/process/launch";
import { GRADER_DEFAULTS } from "./defaults";
import type { Exercise, ModelServerControl } from "./exercises/exercise";
import type { HelperAdmission } from "./serving/compute-expected-predictions";
import type { SparkAdmission } from "./spark/run-spark-check";
import { modelAliases } from "./exercises/model-aliases";
import { modelRegistry } from "./exercises/model-registry";
import { modelServing } from "./exercises/model-serving";
import { sparkIntegration } from "./exercises/spark-integration";
import { trackingExample } from "./exercises/tracking-example";
import { trackingExercise } from "./exercises/tracking-exercise";
import { createLinks } from "./links";
import { createMlflowClient, type MlflowClientOptions } from "@/lib/mlflow";
import { summarizeStatus, type ExerciseReport } from "./report";

/** Every gradable exercise, in course order. */
export const EXERCISES = {
  "tracking-example": trackingExample,
  "tracking-exercise": trackingExercise,
  "model-registry": modelRegistry,
  "model-aliases": modelAliases,
  "model-serving": modelServing,
  "spark-integration": sparkIntegration,
} as const satisfies Record<string, Exercise>;

export type ExerciseId = keyof typeof EXERCISES;

export const EXERCISE_IDS = Object.keys(EXERCISES) as ExerciseId[];

export function isExerciseId(value: string): value is ExerciseId {
  return Object.hasOwn(EXERCISES, value);
}

export class UnknownExerciseError extends Error {
  readonly exerciseId: string;
  readonly validIds: readonly ExerciseId[] = EXERCISE_IDS;

  constructor(exerciseId: string) {
    super(`Unknown exercise "${exerciseId}". Valid exercises: ${EXERCISE_IDS.join(", ")}.`);
    this.name = "UnknownExerciseError";
    this.exerciseId = exerciseId;
  }
}

export type GradeOptions = {
  /** How to reach MLflow: `{baseUrl, fetch?, timeoutMs?, workspace?}`. */
  mlflow: MlflowClientOptions;
  /** Who is graded (stored with the report). */
  learner: string;
  /** 1-based attempt number; picks the hint tier. Default 1. */
  attempt?: number;
  /**
   * The learner's model server (model-serving). Default http://127.0.0.1:5050 (the CLI:
   * one learner's own machine). `null`: the learner has no server of their own running
   * (the course in a class), and the check says to start one instead of trying any port.
   */
  modelServerUrl?: string | null;
  /** The course's Python, for MLflow's own predictions (model-serving). */
  pythonBin?: string;
  /** Starts the helpers that run learner code or load the learner's model. Default: as they are (the CLI). */
  launcher?: ProcessLauncher;
  /** Prefix of links into the MLflow UI. Default `/mlflow`. */
  uiBase?: string;
  /**
   * How the learner starts their model server, which the serving Check's hints tell them to do:
   * `serve-panel` (the course's Check: press Start in the Serve panel) or `command` (default:
   * the CLI, a server started by hand with `mlflow models serve`).
   */
  modelServerControl?: ModelServerControl;
  modelServerTimeoutMs?: number;
  pythonTimeoutMs?: number;
  /**
   * The learner's code, for exercises graded from code: spark-integration grades the
   * `predict_label_with_mlflow_udf` it defines (in the app, the saved code of the lesson's
   * exercise cell; in the CLI, `--file`). Without it that exercise fails its first check.
   */
  learnerCode?: string;
  /** Time limit of one run of the learner's code in Spark (spark-integration). Default 120 s. */
  sparkTimeoutMs?: number;
  /** Waits for a Spark JVM's turn (the course: the machine's Spark slots). Default: this process's own limit. */
  sparkAdmission?: SparkAdmission;
  /** Waits for a model-loading Python helper's turn (the course: the machine's helper slots). Default: none. */
  helperAdmission?: HelperAdmission;
};

/**
 * Grades one exercise against the live MLflow state. Never throws for the
 * learner's mistakes or for MLflow being down (those are `failed` and `error`
 * checks in the report); throws UnknownExerciseError for an unknown id.
 */
export async function grade(exerciseId: string, options: GradeOptions): Promise<ExerciseReport> {
  if (!isExerciseId(exerciseId)) throw new UnknownExerciseError(exerciseId);
  const exercise: Exercise = EXERCISES[exerciseId];
  const startedAt = new Date();
  const started = performance.now();
  const { checks, gradedRun } = await exercise.run(
    {
      client: createMlflowClient({ timeoutMs: GRADER_DEFAULTS.mlflowTimeoutMs, ...options.mlflow }),
      links: createLinks(options.uiBase ?? GRADER_DEFAULTS.uiBase),
      modelServerUrl: options.modelServerUrl === undefined ? GRADER_DEFAULTS.modelServerUrl : options.modelServerUrl,
      modelServerControl: options.modelServerControl ?? "command",
      modelServerTimeoutMs: options.modelServerTimeoutMs ?? GRADER_DEFAULTS.modelServerTimeoutMs,
      pythonBin: options.pythonBin,
      pythonTimeoutMs: options.pythonTimeoutMs ?? GRADER_DEFAULTS.pythonTimeoutMs,
      launcher: options.launcher ?? launchDirectly,
      learnerCode: options.learnerCode,
      sparkTimeoutMs: options.sparkTimeoutMs ?? GRADER_DEFAULTS.sparkTimeoutMs,
      ...(options.sparkAdmission ? { sparkAdmission: options.sparkAdmission } : {}),
      ...(options.helperAdmission ? { helperAdmission: options.helperAdmission } : {}),
    },
    options.attempt ?? 1,
  );
  return {
    exercise: exerciseId,
    learner: options.learner,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    status: summarizeStatus(checks),
    checks,
    ...(gradedRun ? { gradedRun } : {}),
  };
}
