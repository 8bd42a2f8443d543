import { requestJson, requestText, type MlflowConnection } from "./send-request";
import { listArtifactsResponse, type ArtifactFile } from "./schemas";

/** The direct children of `path` in a run's artifacts (empty when there are none); `null` when the run does not exist. */
export async function listArtifacts(connection: MlflowConnection, runId: string, path?: string): Promise<ArtifactFile[] | null> {
  const body = await requestJson(
    connection,
    { method: "GET", path: "/api/2.0/mlflow/artifacts/list", query: { run_id: runId, path } },
    listArtifactsResponse,
  );
  return body === null ? null : body.files;
}

/**
 * One run artifact as text, through the route the MLflow UI itself uses (it
 * resolves the run's proxied artifact root, workspaces included); `null` when absent.
 */
export async function getRunArtifactText(connection: MlflowConnection, runId: string, path: string): Promise<string | null> {
  return requestText(connection, { method: "GET", path: "/get-artifact", query: { run_uuid: runId, path } });
}
