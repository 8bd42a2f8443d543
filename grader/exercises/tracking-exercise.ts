import { courseText } from "../course-text";
import { defineExercise } from "./exercise";
import { experimentActiveCheck, experimentExistsCheck, experimentHasRunsCheck, experimentMessages } from "./shared/experiment-checks";
import { ExperimentState } from "./shared/experiment-state";
import { evaluateArtifactFolder } from "./shared/evaluate-artifact-folder";
import { evaluateMetricInRange } from "./shared/evaluate-metric";
import { evaluatePositiveIntegerParam } from "./shared/evaluate-param";
import { evaluateSklearnModel } from "./shared/evaluate-sklearn-model";
import { evaluateTag } from "./shared/evaluate-tag";
import { gradedRunOf, toRunLevelSpecs, type RunLevelCheck } from "./shared/run-level-check";

/**
 * The tracking exercise. The tutorial's PyTest file only checked that the
 * experiment exists, is not deleted and has runs; the exercise text asks for
 * the rest, so every item is checked, in the order the exercise lists them.
 */
export const EXPERIMENT = "Tracking-Exercise";
const TAG = { key: "notebook-type", value: "exercise" } as const;
const INPUT = "input_data";
const OUTPUT = "output_data";
const PARAM = "num_trees";
const METRIC = "accuracy";
const MODEL = "model";

const afterRuns = ["has-runs"] as const;

const text = courseText("tracking-exercise", {
  checks: {
    "experiment-exists": ["nearMiss"],
    "experiment-active": [],
    "has-runs": [],
    "tag-notebook-type": ["wrongValue"],
    "artifacts-input-data": ["elsewhere"],
    "artifacts-output-data": ["elsewhere"],
    "param-num-trees": ["badValue"],
    "metric-accuracy": ["outOfRange"],
    "model-logged": ["wrongName", "notReady", "notSklearn"],
  },
});

const runChecks: RunLevelCheck[] = [
  {
    id: "tag-notebook-type",
    title: text.title("tag-notebook-type"),
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluateTag(run, TAG.key, TAG.value),
    hints: text.hints("tag-notebook-type"),
  },
  {
    id: "artifacts-input-data",
    title: text.title("artifacts-input-data"),
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateArtifactFolder(run, INPUT, [OUTPUT, MODEL]),
    hints: text.hints("artifacts-input-data"),
  },
  {
    id: "artifacts-output-data",
    title: text.title("artifacts-output-data"),
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateArtifactFolder(run, OUTPUT, [INPUT, MODEL]),
    hints: text.hints("artifacts-output-data"),
  },
  {
    id: "param-num-trees",
    title: text.title("param-num-trees"),
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluatePositiveIntegerParam(run, PARAM),
    hints: text.hints("param-num-trees"),
  },
  {
    id: "metric-accuracy",
    title: text.title("metric-accuracy"),
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluateMetricInRange(run, METRIC, 0, 1),
    hints: text.hints("metric-accuracy"),
  },
  {
    id: "model-logged",
    title: text.title("model-logged"),
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateSklearnModel(run, MODEL),
    hints: text.hints("model-logged"),
  },
];

export const trackingExercise = defineExercise<ExperimentState>({
  id: "tracking-exercise",
  title: "MLflow Tracking: exercise",
  createState: (context) => new ExperimentState(context, EXPERIMENT, runChecks),
  checks: [
    experimentExistsCheck({ title: text.title("experiment-exists"), hints: text.hints("experiment-exists") }),
    experimentActiveCheck({ title: text.title("experiment-active"), hints: text.hints("experiment-active") }),
    experimentHasRunsCheck({ title: text.title("has-runs"), hints: text.hints("has-runs") }),
    ...toRunLevelSpecs(runChecks, async (state) => experimentMessages.noRuns(EXPERIMENT, await state.deletedRunCount())),
  ],
  gradedRun: gradedRunOf,
});
