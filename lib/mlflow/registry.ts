import { requestJson, type MlflowConnection } from "./send-request";
import {
  getModelVersionResponse,
  getRegisteredModelResponse,
  searchModelVersionsResponse,
  searchRegisteredModelsResponse,
  type ModelVersion,
  type RegisteredModel,
} from "./schemas";

/** `latest_versions` holds the latest version per stage, `aliases` every alias. `null` when absent. */
export async function getRegisteredModel(connection: MlflowConnection, name: string): Promise<RegisteredModel | null> {
  const body = await requestJson(
    connection,
    { method: "GET", path: "/api/2.0/mlflow/registered-models/get", query: { name } },
    getRegisteredModelResponse,
  );
  return body?.registered_model ?? null;
}

/** One page of registered models; used to name near misses ("found `irismodel`"). */
export async function searchRegisteredModels(connection: MlflowConnection, params: { maxResults?: number } = {}): Promise<RegisteredModel[]> {
  const body = await requestJson(
    connection,
    { method: "GET", path: "/api/2.0/mlflow/registered-models/search", query: { max_results: String(params.maxResults ?? 100) } },
    searchRegisteredModelsResponse,
  );
  return body?.registered_models ?? [];
}

/** Every version of one registered model, page by page. */
export async function searchModelVersions(connection: MlflowConnection, modelName: string, limit = 5000): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const body = await requestJson(
      connection,
      {
        method: "GET",
        path: "/api/2.0/mlflow/model-versions/search",
        query: { filter: `name='${modelName.replace(/'/g, "\\'")}'`, max_results: "1000", page_token: pageToken },
      },
      searchModelVersionsResponse,
    );
    versions.push(...(body?.model_versions ?? []));
    pageToken = body?.next_page_token || undefined;
  } while (pageToken && versions.length < limit);
  return versions;
}

/**
 * Moves a version to a stage (without archiving others). The grader only reads; the course's
 * proxy uses this to archive versions itself (server/mlflow-proxy/archive-existing-versions.ts).
 */
export async function transitionModelVersionStage(connection: MlflowConnection, name: string, version: string, stage: string): Promise<ModelVersion | null> {
  const body = await requestJson(
    connection,
    { method: "POST", path: "/api/2.0/mlflow/model-versions/transition-stage", body: { name, version, stage, archive_existing_versions: false } },
    getModelVersionResponse,
  );
  return body?.model_version ?? null;
}
