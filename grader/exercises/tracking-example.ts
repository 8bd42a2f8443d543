import { courseText } from "../course-text";
import { defineExercise } from "./exercise";
import { experimentExistsCheck, experimentMessages } from "./shared/experiment-checks";
import { ExperimentState } from "./shared/experiment-state";
import { evaluateTag } from "./shared/evaluate-tag";
import { gradedRunOf, toRunLevelSpecs, type RunLevelCheck } from "./shared/run-level-check";

/** The tracking example: the learner only runs the notebook, so this checks that it ran to the end. */
export const EXPERIMENT = "Tracking-Example";

const text = courseText("tracking-example", {
  checks: {
    "experiment-exists": ["nearMiss", "deleted"],
    "run-tagged-example": ["wrongValue", "noRuns"],
  },
});

const runChecks: RunLevelCheck[] = [
  {
    id: "run-tagged-example",
    title: text.title("run-tagged-example"),
    cost: "local",
    requires: ["experiment-exists"],
    evaluateRun: (run) => evaluateTag(run, "notebook-type", "example"),
    hints: text.hints("run-tagged-example"),
  },
];

export const trackingExample = defineExercise<ExperimentState>({
  id: "tracking-example",
  title: "MLflow Tracking: example",
  createState: (context) => new ExperimentState(context, EXPERIMENT, runChecks),
  checks: [
    experimentExistsCheck({ title: text.title("experiment-exists"), deletedFails: true, hints: text.hints("experiment-exists") }),
    ...toRunLevelSpecs(runChecks, async (state) => experimentMessages.noRuns(EXPERIMENT, await state.deletedRunCount())),
  ],
  gradedRun: gradedRunOf,
});
