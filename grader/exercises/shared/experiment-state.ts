import { once } from "../../checks/once";
import { selectGradedRun, type RunCheck, type Selection } from "../../checks/select-graded-run";
import type { Experiment, MlflowClient } from "@/lib/mlflow";
import type { GradingContext } from "../exercise";
import { RunView } from "./run-view";

/**
 * Everything the tracking exercises read from MLflow about one experiment,
 * loaded once per grading and shared by the checks.
 */
export class ExperimentState {
  readonly client: MlflowClient;
  readonly experiment: () => Promise<Experiment | null>;
  readonly runs: () => Promise<RunView[]>;
  readonly deletedRunCount: () => Promise<number>;
  readonly otherExperimentNames: () => Promise<string[]>;
  readonly selection: (() => Promise<Selection<RunView> | null>) & { peek(): Selection<RunView> | null | undefined };

  constructor(
    readonly context: GradingContext,
    readonly experimentName: string,
    runChecks: readonly RunCheck<RunView>[],
  ) {
    const client = context.client;
    this.client = client;
    this.experiment = once(() => client.getExperimentByName(experimentName));
    this.runs = once(async () => {
      const experiment = await this.experiment();
      if (!experiment) return [];
      const runs = await client.searchAllRuns({ experimentIds: [experiment.experiment_id], runViewType: "ACTIVE_ONLY" });
      return runs.map((run) => new RunView(run, client));
    });
    this.deletedRunCount = once(async () => {
      const experiment = await this.experiment();
      if (!experiment) return 0;
      const page = await client.searchRuns({ experimentIds: [experiment.experiment_id], runViewType: "DELETED_ONLY", maxResults: 100 });
      return page.runs.length;
    });
    this.otherExperimentNames = once(async () =>
      (await client.searchExperiments({ maxResults: 100 })).map((e) => e.name).filter((name) => name !== experimentName),
    );
    this.selection = once(async () => {
      const runs = await this.runs();
      return selectGradedRun(
        runs.map((run) => ({ run, startTime: run.startTime })),
        runChecks,
      );
    });
  }

  runLink(run: RunView): string {
    return this.context.links.run(run.experimentId, run.id);
  }
}
