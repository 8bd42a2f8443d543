import { defineExercise } from "./exercise";
import { experimentExistsCheck, experimentMessages } from "./shared/experiment-checks";
import { ExperimentState } from "./shared/experiment-state";
import { evaluateTag } from "./shared/evaluate-tag";
import { gradedRunOf, toRunLevelSpecs, type RunLevelCheck } from "./shared/run-level-check";

/** The tracking example: the learner only runs the notebook, so this checks that it ran to the end. */
export const EXPERIMENT = "Tracking-Example";

const runChecks: RunLevelCheck[] = [
  {
    id: "run-tagged-example",
    title: "A run has tag `notebook-type` = `example`",
    cost: "local",
    requires: ["experiment-exists"],
    evaluateRun: (run) => evaluateTag(run, "notebook-type", "example"),
    hints: {
      default: [
        "Run the example notebook to the end: its run sets a tag saying which notebook produced it.",
        "The notebook sets the tag with `mlflow.set_tag` inside its run; run every cell, in order.",
        'The run must contain `mlflow.set_tag("notebook-type", "example")`: restore the example notebook if you changed it, and run it again.',
      ],
      wrongValue: [
        "The tag is there with another value: this check looks for the run of the example notebook.",
        "The example notebook tags its run `example`; the exercise notebook uses another value and another experiment.",
        'Run the example notebook unchanged; it calls `mlflow.set_tag("notebook-type", "example")`.',
      ],
      noRuns: [
        "The experiment exists but holds no run yet: run the example notebook to the end.",
        "The run is opened by `with mlflow.start_run():` in the notebook; run that cell and the ones before it.",
        "Run every cell of the example notebook, in order, then check again.",
      ],
    },
  },
];

export const trackingExample = defineExercise<ExperimentState>({
  id: "tracking-example",
  title: "MLflow Tracking: example",
  createState: (context) => new ExperimentState(context, EXPERIMENT, runChecks),
  checks: [
    experimentExistsCheck({
      title: "Experiment `Tracking-Example` exists",
      deletedFails: true,
      hints: {
        default: [
          "Run the example notebook from the top: its first MLflow call creates the experiment `Tracking-Example`.",
          'The notebook calls `mlflow.set_experiment("Tracking-Example")`; run that cell and every cell after it.',
          "Run every cell of the example notebook, in order, then check again.",
        ],
        nearMiss: [
          "An experiment with almost this name exists: names are case-sensitive and must match exactly.",
          "Restore the example notebook's `mlflow.set_experiment` line to the name `Tracking-Example`.",
          'Use `mlflow.set_experiment("Tracking-Example")` exactly as the example does, and run it again.',
        ],
        deleted: [
          "The experiment is in MLflow's trash. A deleted experiment keeps its name, so the notebook cannot recreate it: restore it first.",
          "`MlflowClient().restore_experiment(experiment_id)` brings it back; `get_experiment_by_name` finds it even while deleted.",
          'Run `from mlflow import MlflowClient; c = MlflowClient(); c.restore_experiment(c.get_experiment_by_name("Tracking-Example").experiment_id)`.',
        ],
      },
    }),
    ...toRunLevelSpecs(runChecks, async (state) => experimentMessages.noRuns(EXPERIMENT, await state.deletedRunCount())),
  ],
  gradedRun: gradedRunOf,
});
