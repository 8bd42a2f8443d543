import { isMlflowUnavailableError } from "./mlflow-unavailable-error";
import { workspaceResponse } from "./schemas";
import { requestJson, type MlflowConnection } from "./send-request";

/**
 * Creates a workspace (MLflow with workspaces enabled). "exists" when MLflow already has one of
 * that name (MLflow says RESOURCE_ALREADY_EXISTS with 400; a proxy in front may say 409).
 */
export async function createWorkspace(connection: MlflowConnection, name: string): Promise<"created" | "exists"> {
  try {
    await requestJson(connection, { method: "POST", path: "/api/3.0/mlflow/workspaces", body: { name } }, workspaceResponse);
    return "created";
  } catch (error) {
    if (isMlflowUnavailableError(error) && error.kind === "http_error" && (error.upstreamStatus === 409 || error.upstreamErrorCode === "RESOURCE_ALREADY_EXISTS")) return "exists";
    throw error;
  }
}

/** Deletes a workspace; false when MLflow refused (it may, while the workspace still holds objects) or is gone. */
export async function deleteWorkspace(connection: MlflowConnection, name: string): Promise<boolean> {
  try {
    await requestJson(connection, { method: "DELETE", path: `/api/3.0/mlflow/workspaces/${encodeURIComponent(name)}` }, workspaceResponse);
    return true;
  } catch (error) {
    if (isMlflowUnavailableError(error)) return false;
    throw error;
  }
}
