import type { CheckSpec, HintSet } from "../checks/check-spec";
import { runChecks } from "../checks/run-checks";
import type { Links } from "../links";
import type { MlflowClient } from "@/lib/mlflow";
import type { SparkAdmission } from "../spark/run-spark-check";
import type { HelperAdmission } from "../serving/compute-expected-predictions";
import type { ProcessLauncher } from "@/lib/process/launch";
import type { CheckResult, GradedRun } from "../report";

export type ModelServerControl = "serve-panel" | "command";

/** What one grading may use: every connection setting is passed in, none read from globals. */
export type GradingContext = {
  client: MlflowClient;
  links: Links;
  /** The learner's own model server (model-serving); null when they have none running. */
  modelServerUrl: string | null;
  modelServerTimeoutMs: number;
  /**
   * Who starts the learner's model server, for the serving Check's hints: `serve-panel` (graded
   * from the course: the learner presses Start in the Serve panel) or `command` (the CLI, grading
   * a server started by hand with `mlflow models serve`).
   */
  modelServerControl: ModelServerControl;
  /** The course's Python (for the expected-predictions helper); model-serving reports an error without it. */
  pythonBin?: string;
  pythonTimeoutMs: number;
  /** Starts the helpers that run learner code or load the learner's model (the course: in its sandbox). */
  launcher: ProcessLauncher;
  /** The learner's code, for exercises graded from code (spark-integration); undefined when there is none. */
  learnerCode?: string;
  /** Time limit of one run of the learner's code in Spark, Spark's start included. */
  sparkTimeoutMs: number;
  /** Waits for the turn of a JVM (the course: one of the machine's Spark slots); resolves with its release. */
  sparkAdmission?: SparkAdmission;
  /** Waits for the turn of a Python helper that loads the learner's model (the course: the machine's helper slots). */
  helperAdmission?: HelperAdmission;
};


/** An exercise as written: its checks in lesson order, and how to build their shared state. */
export type ExerciseDefinition<State> = {
  id: string;
  title: string;
  createState(context: GradingContext): State;
  checks: readonly CheckSpec<State>[];
  /** The run the checks graded, if they got as far as choosing one. */
  gradedRun?(state: State): GradedRun | undefined;
  /** Its Check starts a Spark JVM (which waits for the machine's Spark slots). */
  runsSpark?: true;
};

/** An exercise with its state type hidden, so that one registry can hold them all. */
export type Exercise = {
  id: string;
  title: string;
  /** The checks as data (for lesson pages and tests); results come from `run`. */
  checks: readonly { id: string; title: string; optional?: true; hints: HintSet }[];
  run(context: GradingContext, attempt: number): Promise<{ checks: CheckResult[]; gradedRun?: GradedRun }>;
  /** Its Check starts a Spark JVM. */
  runsSpark: boolean;
};

export function defineExercise<State>(definition: ExerciseDefinition<State>): Exercise {
  return {
    id: definition.id,
    title: definition.title,
    checks: definition.checks.map(({ id, title, optional, hints }) => ({ id, title, hints, ...(optional ? { optional } : {}) })),
    runsSpark: definition.runsSpark === true,
    async run(context, attempt) {
      const state = definition.createState(context);
      const checks = await runChecks(definition.checks, state, { attempt });
      return { checks, gradedRun: definition.gradedRun?.(state) };
    },
  };
}
