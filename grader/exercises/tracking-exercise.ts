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

const runChecks: RunLevelCheck[] = [
  {
    id: "tag-notebook-type",
    title: "The run has tag `notebook-type` = `exercise`",
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluateTag(run, TAG.key, TAG.value),
    hints: {
      default: [
        "The exercise asks you to tag the run with the kind of notebook that produced it. Tags are set while the run is active.",
        "Inside `with mlflow.start_run():`, call `mlflow.set_tag(key, value)` with the key `notebook-type`.",
        'Add `mlflow.set_tag("notebook-type", "exercise")` inside the `with mlflow.start_run():` block, run the notebook again, then check.',
      ],
      wrongValue: [
        "The key is right; the value must say which notebook this is. The example notebook uses another value.",
        "Pass `exercise` as the value of `mlflow.set_tag` for the key `notebook-type`.",
        'Use `mlflow.set_tag("notebook-type", "exercise")`, run the notebook again, then check.',
      ],
    },
  },
  {
    id: "artifacts-input-data",
    title: "Input data is logged under `input_data/`",
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateArtifactFolder(run, INPUT, [OUTPUT, MODEL]),
    hints: {
      default: [
        "Save the data the model was trained on to a file and log that file as an artifact of the run, in a folder named `input_data`.",
        "`mlflow.log_artifact(local_path, artifact_path)` uploads one file; `artifact_path` is the folder inside the run.",
        'Write the training data to a CSV, e.g. `X_train.assign(target=y_train).to_csv("train.csv", index=False)`, then `mlflow.log_artifact("train.csv", artifact_path="input_data")`.',
      ],
      elsewhere: [
        "The file is logged, but in the wrong folder of the run: the folder name must be exactly `input_data`.",
        "The folder is the second argument (`artifact_path`) of `mlflow.log_artifact`.",
        'Log it with `mlflow.log_artifact("train.csv", artifact_path="input_data")`.',
      ],
    },
  },
  {
    id: "artifacts-output-data",
    title: "Output data is logged under `output_data/`",
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateArtifactFolder(run, OUTPUT, [INPUT, MODEL]),
    hints: {
      default: [
        "Save the model's predictions to a file and log it as an artifact of the run, in a folder named `output_data`.",
        "`mlflow.log_artifact(local_path, artifact_path)` uploads one file; `artifact_path` is the folder inside the run.",
        'Write the predictions to a CSV, e.g. `X_test.assign(target=y_test, prediction=predictions).to_csv("predictions.csv", index=False)`, then `mlflow.log_artifact("predictions.csv", artifact_path="output_data")`.',
      ],
      elsewhere: [
        "The file is logged, but in the wrong folder of the run: the folder name must be exactly `output_data`.",
        "The folder is the second argument (`artifact_path`) of `mlflow.log_artifact`.",
        'Log it with `mlflow.log_artifact("predictions.csv", artifact_path="output_data")`.',
      ],
    },
  },
  {
    id: "param-num-trees",
    title: "Param `num_trees` is logged",
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluatePositiveIntegerParam(run, PARAM),
    hints: {
      default: [
        "Log the number of trees of the forest as a parameter, under the name the exercise gives rather than scikit-learn's own name.",
        "`mlflow.log_param(key, value)` logs one parameter; the key must be `num_trees` and the value the forest's `n_estimators`.",
        'Add `mlflow.log_param("num_trees", n_estimators)` inside the run (with the number you passed to `RandomForestClassifier`).',
      ],
      badValue: [
        "`num_trees` must hold the number of trees of the forest, a whole number of at least 1.",
        "Log the same number you passed as `n_estimators` to `RandomForestClassifier`.",
        'Use `mlflow.log_param("num_trees", n_estimators)` where `n_estimators` is the integer given to the model.',
      ],
    },
  },
  {
    id: "metric-accuracy",
    title: "Metric `accuracy` is logged",
    cost: "local",
    requires: afterRuns,
    evaluateRun: (run) => evaluateMetricInRange(run, METRIC, 0, 1),
    hints: {
      default: [
        "Log the model's accuracy on the test set as a metric named exactly `accuracy` (not the name of the scikit-learn function).",
        "`mlflow.log_metric(key, value)` logs one metric; compute the value with `accuracy_score`.",
        'Add `mlflow.log_metric("accuracy", accuracy_score(y_test, predictions))` inside the run.',
      ],
      outOfRange: [
        "Accuracy is a fraction between 0 and 1, as scikit-learn returns it; do not turn it into a percentage.",
        "Log the value of `accuracy_score(...)` unchanged.",
        'Use `mlflow.log_metric("accuracy", accuracy_score(y_test, predictions))`.',
      ],
    },
  },
  {
    id: "model-logged",
    title: "A scikit-learn model named `model` is logged from the run",
    cost: "remote",
    requires: afterRuns,
    evaluateRun: (run) => evaluateSklearnModel(run, MODEL),
    hints: {
      default: [
        "Log the trained model itself with MLflow's scikit-learn support, under the name `model`, while the run is active.",
        "`mlflow.sklearn.log_model(sk_model, name=...)` logs it; in MLflow 3 the name is the keyword argument `name`.",
        'Add `mlflow.sklearn.log_model(model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"])` inside the run.',
      ],
      wrongName: [
        "A model is logged, but under another name; the next lessons look for the name `model`.",
        "The name is the `name=` argument of `mlflow.sklearn.log_model`.",
        'Use `mlflow.sklearn.log_model(model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"])`.',
      ],
      notReady: [
        "MLflow started saving the model but did not finish: look at the error your notebook printed when it logged the model.",
        "MLflow 3.17 saves scikit-learn models in the safe skops format and refuses tree models unless you declare their type as trusted.",
        'Log it with `mlflow.sklearn.log_model(model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"])`.',
      ],
      notSklearn: [
        "The model must be logged with MLflow's scikit-learn flavor, so that the registry and the model server know how to load it.",
        "Use `mlflow.sklearn.log_model`, not `mlflow.pyfunc.log_model` or `mlflow.log_artifact`.",
        'Use `mlflow.sklearn.log_model(model, name="model", skops_trusted_types=["sklearn.tree._tree.Tree"])` with the fitted `RandomForestClassifier`.',
      ],
    },
  },
];

export const trackingExercise = defineExercise<ExperimentState>({
  id: "tracking-exercise",
  title: "MLflow Tracking: exercise",
  createState: (context) => new ExperimentState(context, EXPERIMENT, runChecks),
  checks: [
    experimentExistsCheck({
      title: "Experiment `Tracking-Exercise` exists",
      hints: {
        default: [
          "Your notebook must choose the experiment `Tracking-Exercise` before it starts its run (get it, or create it when missing).",
          "`mlflow.set_experiment(name)` gets the experiment or creates it; call it before `mlflow.start_run()`.",
          'Add `mlflow.set_experiment("Tracking-Exercise")` before `with mlflow.start_run():`, run the notebook again, then check.',
        ],
        nearMiss: [
          "An experiment with almost this name exists: names are case-sensitive and must match exactly.",
          "Pass exactly `Tracking-Exercise` (capital T and E, one hyphen) to `mlflow.set_experiment`.",
          'Use `mlflow.set_experiment("Tracking-Exercise")` and run the notebook again.',
        ],
      },
    }),
    experimentActiveCheck({
      title: "Experiment `Tracking-Exercise` is not deleted",
      hints: {
        default: [
          "The experiment is in MLflow's trash. A deleted experiment keeps its name, so your notebook cannot recreate it: restore it first.",
          "`MlflowClient().restore_experiment(experiment_id)` brings it back; `get_experiment_by_name` finds it even while deleted.",
          'Run `from mlflow import MlflowClient; c = MlflowClient(); c.restore_experiment(c.get_experiment_by_name("Tracking-Exercise").experiment_id)`.',
        ],
      },
    }),
    experimentHasRunsCheck({
      title: "Experiment `Tracking-Exercise` has runs",
      hints: {
        default: [
          "Run your notebook from the top so that it records a run in this experiment.",
          "Everything you log goes into the run opened by `with mlflow.start_run():`, after `mlflow.set_experiment`.",
          'Make sure the notebook has `mlflow.set_experiment("Tracking-Exercise")` followed by `with mlflow.start_run():`, and run every cell.',
        ],
      },
    }),
    ...toRunLevelSpecs(runChecks, async (state) => experimentMessages.noRuns(EXPERIMENT, await state.deletedRunCount())),
  ],
  gradedRun: gradedRunOf,
});
