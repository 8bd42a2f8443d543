import { createMlflowClient } from "@/lib/mlflow";

/**
 * `archive_existing_versions=True` on a stage transition (the lessons' `transition_model_version_stage`,
 * the UI's "Transition existing ... versions to Archived") fails on MLflow 3.17 with a PostgreSQL
 * backend store: its query compares the integer version column with a text parameter, which
 * PostgreSQL refuses (MLflow issue 24592). The course does the archiving itself, on every backend:
 * MLflow moves the version without archiving, then the course archives the other versions that were
 * in that stage. The learner sees MLflow's own answer, with MLflow's own semantics.
 */
const TRANSITION_PATH = /^\/(?:ajax-)?api\/2\.0\/mlflow\/model-versions\/transition-stage$/;
const ACTIVE_STAGES = ["staging", "production"];

export type ArchivingTransition = { name: string; version: string; stage: string };

/**
 * The transition to carry out without MLflow's archiving, and the request body to send MLflow
 * instead; null when the request is not one (MLflow then answers it as it is, errors included).
 */
export function archivingTransition(method: string, path: string, body: ArrayBuffer | undefined): { transition: ArchivingTransition; body: ArrayBuffer } | null {
  if (method !== "POST" || !TRANSITION_PATH.test(path) || !body) return null;
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { name, version, stage, archive_existing_versions: archive } = request;
  if (archive !== true && archive !== "true") return null;
  if (typeof name !== "string" || typeof version !== "string" || typeof stage !== "string" || !ACTIVE_STAGES.includes(stage.toLowerCase())) return null;
  const withoutArchiving = new TextEncoder().encode(JSON.stringify({ ...request, archive_existing_versions: false }));
  return { transition: { name, version, stage }, body: withoutArchiving.buffer as ArrayBuffer };
}

/** Archives every other version of the model that is in the transition's stage (after MLflow moved `version` there). */
export async function archiveOtherVersions(mlflowUrl: string, workspace: string | undefined, transition: ArchivingTransition): Promise<void> {
  const client = createMlflowClient({ baseUrl: mlflowUrl, ...(workspace ? { workspace } : {}) });
  const stage = transition.stage.toLowerCase();
  const others = (await client.searchModelVersions(transition.name)).filter(
    (version) => version.version !== transition.version && version.current_stage.toLowerCase() === stage,
  );
  for (const other of others) await client.transitionModelVersionStage(transition.name, other.version, "Archived");
}
