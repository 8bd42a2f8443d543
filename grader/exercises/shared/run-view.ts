import { once } from "../../checks/once";
import type { ArtifactFile, LoggedModel, MlflowClient, Run } from "@/lib/mlflow";

/**
 * One run as the checks see it: what runs/search returned, plus lazily loaded
 * (and memoised) artifact listings and logged models.
 */
export class RunView {
  readonly params: Map<string, string>;
  readonly metrics: Map<string, number>;
  readonly tags: Map<string, string>;
  private readonly listings = new Map<string, Promise<ArtifactFile[]>>();
  readonly loggedModels: () => Promise<LoggedModel[]>;

  constructor(
    readonly run: Run,
    private readonly client: MlflowClient,
  ) {
    this.params = new Map(run.data.params.map((p) => [p.key, p.value]));
    this.metrics = new Map(run.data.metrics.map((m) => [m.key, m.value]));
    this.tags = new Map(run.data.tags.map((t) => [t.key, t.value]));
    this.loggedModels = once(async () => {
      const ids = [...new Set(run.outputs.model_outputs.map((output) => output.model_id))];
      const models = await Promise.all(ids.map((id) => client.getLoggedModel(id)));
      return models.filter((model): model is LoggedModel => model !== null);
    });
  }

  get id(): string {
    return this.run.info.run_id;
  }

  get name(): string | undefined {
    return this.run.info.run_name || this.tags.get("mlflow.runName") || undefined;
  }

  get experimentId(): string {
    return this.run.info.experiment_id;
  }

  get startTime(): number {
    return this.run.info.start_time ?? 0;
  }

  /** Tags the learner set (MLflow's own `mlflow.*` tags left out). */
  get userTags(): Map<string, string> {
    return new Map([...this.tags].filter(([key]) => !key.startsWith("mlflow.")));
  }

  /** Direct children of an artifact folder ("" for the root); empty when there is nothing. */
  artifacts(path = ""): Promise<ArtifactFile[]> {
    let listing = this.listings.get(path);
    if (!listing) {
      listing = this.client.listArtifacts(this.id, path || undefined).then((files) => files ?? []);
      this.listings.set(path, listing);
    }
    return listing;
  }

  /** A file of one of this run's LoggedModels (its `MLmodel`). */
  loggedModelFile(modelId: string, path: string): Promise<string | null> {
    return this.client.getLoggedModelArtifactText(modelId, path);
  }

  /** A run artifact as text (the legacy `model/MLmodel`). */
  artifactText(path: string): Promise<string | null> {
    return this.client.getRunArtifactText(this.id, path);
  }
}
