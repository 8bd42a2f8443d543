import { requestJson, requestText, type MlflowConnection } from "./send-request";
import { getLoggedModelResponse, type LoggedModel } from "./schemas";

/** An MLflow 3 LoggedModel (`m-<hex>`); `null` when it does not exist. */
export async function getLoggedModel(connection: MlflowConnection, modelId: string): Promise<LoggedModel | null> {
  const body = await requestJson(
    connection,
    { method: "GET", path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}` },
    getLoggedModelResponse,
  );
  return body?.model ?? null;
}

/**
 * One file of a LoggedModel (e.g. `MLmodel`) as text; `null` when absent.
 * MLflow 3.17 serves this only under `/ajax-api/` (the UI's prefix): the
 * `/api/2.0/...` twin of this route does not exist.
 */
export async function getLoggedModelArtifactText(connection: MlflowConnection, modelId: string, path: string): Promise<string | null> {
  return requestText(connection, {
    method: "GET",
    path: `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/files`,
    query: { artifact_file_path: path },
  });
}
