import { AppError } from "../errors/app-error";

/**
 * MLflow workspace names: lowercase letters, digits and single hyphens,
 * 2-63 characters. Learner ids are lowercase hex, so this is always valid.
 */
export function workspaceName(learnerId: string, generation = 0): string {
  return generation ? `learner-${learnerId}-r${generation}` : `learner-${learnerId}`;
}

export async function createWorkspace(mlflowUrl: string, name: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${mlflowUrl}/api/3.0/mlflow/workspaces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new AppError("mlflow_unreachable", "MLflow is not answering, so your workspace could not be created. Try joining again in a few seconds.");
  }
  if (response.ok) return;
  const text = await response.text();
  if (response.status === 409 || /already exists/i.test(text)) return;
  throw new AppError("mlflow_unreachable", `MLflow refused to create workspace ${name} (${response.status}). Is the course running in classroom mode with workspaces enabled?`);
}

/** Deletes a workspace; MLflow may refuse when it still holds objects, which a reset can live with. */
export async function deleteWorkspace(mlflowUrl: string, name: string): Promise<boolean> {
  const response = await fetch(`${mlflowUrl}/api/3.0/mlflow/workspaces/${encodeURIComponent(name)}`, { method: "DELETE", signal: AbortSignal.timeout(10_000) }).catch(() => null);
  return Boolean(response?.ok);
}
