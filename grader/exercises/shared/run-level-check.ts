import type { CheckSpec, HintSet, Outcome } from "../../checks/check-spec";
import { failed } from "../../checks/check-spec";
import type { RunCheck } from "../../checks/select-graded-run";
import type { GradedRun } from "../../report";
import type { ExperimentState } from "./experiment-state";
import type { RunView } from "./run-view";

/** A check about one run: scored on every candidate run, reported for the graded one. */
export type RunLevelCheck = RunCheck<RunView> & {
  title: string;
  hints: HintSet;
  requires?: readonly string[];
};

/**
 * Turns run-level checks into report checks that read the graded run's
 * outcomes. With no runs at all the check fails with `noRunsMessage` (the
 * exercises that have a separate "has runs" check skip it before that).
 */
export function toRunLevelSpecs(checks: readonly RunLevelCheck[], noRunsMessage: (state: ExperimentState) => string | Promise<string>): CheckSpec<ExperimentState>[] {
  return checks.map((check) => ({
    id: check.id,
    title: check.title,
    hints: check.hints,
    requires: check.requires,
    async evaluate(state: ExperimentState): Promise<Outcome> {
      const selection = await state.selection();
      if (!selection) return failed(await noRunsMessage(state), { hintKind: "noRuns" });
      const outcome = selection.outcomes.get(check.id);
      if (!outcome) throw new Error(`run check ${check.id} was not evaluated on the graded run`);
      return { ...outcome, link: outcome.link ?? state.runLink(selection.run) };
    },
  }));
}

export function gradedRunOf(state: ExperimentState): GradedRun | undefined {
  const run = state.selection.peek()?.run;
  if (!run) return undefined;
  return { runId: run.id, ...(run.name ? { runName: run.name } : {}), link: state.runLink(run) };
}
