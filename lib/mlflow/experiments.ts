import { requestJson, type MlflowConnection } from "./send-request";
import { getExperimentResponse, searchExperimentsResponse, type Experiment } from "./schemas";

/** `null` when no experiment has that name. A deleted one is returned (lifecycle_stage "deleted"). */
export async function getExperimentByName(connection: MlflowConnection, name: string): Promise<Experiment | null> {
  const body = await requestJson(
    connection,
    { method: "GET", path: "/api/2.0/mlflow/experiments/get-by-name", query: { experiment_name: name } },
    getExperimentResponse,
  );
  return body?.experiment ?? null;
}

/** One page of active experiments; used to name near misses ("found `tracking-exercise`"). */
export async function searchExperiments(connection: MlflowConnection, params: { maxResults?: number } = {}): Promise<Experiment[]> {
  const body = await requestJson(
    connection,
    { method: "POST", path: "/api/2.0/mlflow/experiments/search", body: { max_results: params.maxResults ?? 100, view_type: "ACTIVE_ONLY" } },
    searchExperimentsResponse,
  );
  return body?.experiments ?? [];
}
