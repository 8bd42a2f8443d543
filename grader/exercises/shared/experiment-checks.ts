import { failed, passed, type CheckSpec, type HintSet } from "../../checks/check-spec";
import { isNearMiss, listCodes } from "../../checks/format-names";
import type { ExperimentState } from "./experiment-state";
import { sharedText as text } from "./shared-text";

/** The experiment-level checks both tracking exercises start with. */

export const experimentMessages = {
  missing: (name: string, others: string[]) => {
    const near = others.filter((other) => isNearMiss(name, other));
    if (near.length > 0) return text.message("experimentMissingNear", { experiment: name, names: listCodes(near) });
    if (others.length === 0) return text.message("experimentMissingNone", { experiment: name });
    return text.message("experimentMissingOthers", { experiment: name, names: listCodes(others) });
  },
  deleted: (name: string) => text.message("experimentDeleted", { experiment: name }),
  found: (name: string, id: string) => text.message("experimentFound", { experiment: name, id }),
  active: (name: string) => text.message("experimentActive", { experiment: name }),
  noRuns: (name: string, deleted: number) => {
    if (deleted === 1) return text.message("experimentNoActiveRunsOneDeleted", { experiment: name });
    if (deleted > 0) return text.message("experimentNoActiveRunsSomeDeleted", { experiment: name, deleted });
    return text.message("experimentNoRuns", { experiment: name });
  },
  hasRuns: (name: string, count: number) =>
    count === 1 ? text.message("experimentHasOneRun", { experiment: name }) : text.message("experimentHasRuns", { experiment: name, count }),
};

/** Existence; with `deletedFails`, a deleted experiment fails here too (for exercises without a separate check). */
export function experimentExistsCheck(options: { title: string; hints: HintSet; deletedFails?: boolean }): CheckSpec<ExperimentState> {
  return {
    id: "experiment-exists",
    title: options.title,
    hints: options.hints,
    async evaluate(state) {
      const experiment = await state.experiment();
      if (!experiment) {
        const others = await state.otherExperimentNames();
        const nearMiss = others.some((other) => isNearMiss(state.experimentName, other));
        return failed(experimentMessages.missing(state.experimentName, others), {
          link: state.context.links.experiments(),
          hintKind: nearMiss ? "nearMiss" : undefined,
        });
      }
      const link = state.context.links.experiment(experiment.experiment_id);
      if (options.deletedFails && experiment.lifecycle_stage === "deleted") {
        return failed(experimentMessages.deleted(state.experimentName), { link, hintKind: "deleted" });
      }
      return passed(experimentMessages.found(state.experimentName, experiment.experiment_id), link);
    },
  };
}

export function experimentActiveCheck(options: { title: string; hints: HintSet }): CheckSpec<ExperimentState> {
  return {
    id: "experiment-active",
    title: options.title,
    hints: options.hints,
    requires: ["experiment-exists"],
    async evaluate(state) {
      const experiment = await state.experiment();
      if (!experiment) throw new Error("experiment vanished between checks");
      const link = state.context.links.experiment(experiment.experiment_id);
      if (experiment.lifecycle_stage === "deleted") return failed(experimentMessages.deleted(state.experimentName), { link });
      return passed(experimentMessages.active(state.experimentName), link);
    },
  };
}

export function experimentHasRunsCheck(options: { title: string; hints: HintSet }): CheckSpec<ExperimentState> {
  return {
    id: "has-runs",
    title: options.title,
    hints: options.hints,
    requires: ["experiment-active"],
    async evaluate(state) {
      const experiment = await state.experiment();
      if (!experiment) throw new Error("experiment vanished between checks");
      const runs = await state.runs();
      const link = state.context.links.experiment(experiment.experiment_id);
      if (runs.length === 0) return failed(experimentMessages.noRuns(state.experimentName, await state.deletedRunCount()), { link });
      return passed(experimentMessages.hasRuns(state.experimentName, runs.length), link);
    },
  };
}
