import { AppError } from "../errors/app-error";
import type { ParsedModelUri } from "./model-uri";

type Version = { version: string; current_stage?: string; aliases?: string[] };

/**
 * Asks MLflow whether the URI names a model version, before any process is
 * started, so the learner gets "IrisModel has no version in Staging" rather
 * than a Python traceback.
 */
export async function resolveModelVersion(mlflowUrl: string, uri: ParsedModelUri, headers: Record<string, string> = {}): Promise<string> {
  const api = `${mlflowUrl}/api/2.0/mlflow`;
  let response: Response;
  try {
    response = await fetch(`${api}/model-versions/search?filter=${encodeURIComponent(`name='${uri.name.replace(/'/g, "\\'")}'`)}&max_results=1000`, {
      headers,
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new AppError("mlflow_unreachable", "MLflow is not answering, so the model cannot be looked up. The course restarts it by itself; try again in a few seconds.");
  }
  if (!response.ok) throw new AppError("mlflow_unreachable", `MLflow answered ${response.status} when the model was looked up; try again.`);
  const versions = (((await response.json()) as { model_versions?: Version[] }).model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
  if (versions.length === 0) {
    throw new AppError("bad_request", `There is no registered model named ${uri.name} (or it has no versions yet). Register it first (lesson 4).`);
  }
  switch (uri.kind) {
    case "latest":
      return versions[0].version;
    case "version": {
      const found = versions.find((version) => version.version === uri.version);
      if (!found) throw new AppError("bad_request", `${uri.name} has no version ${uri.version}; its versions are ${versions.map((v) => v.version).join(", ")}.`);
      return found.version;
    }
    case "stage": {
      const found = versions.find((version) => version.current_stage === uri.stage);
      if (!found) {
        const stages = versions.map((v) => `version ${v.version} is in ${v.current_stage ?? "None"}`).join(", ");
        throw new AppError("bad_request", `${uri.name} has no version in ${uri.stage} (${stages}).`);
      }
      return found.version;
    }
    case "alias": {
      const found = versions.find((version) => version.aliases?.includes(uri.alias));
      if (!found) throw new AppError("bad_request", `${uri.name} has no alias @${uri.alias}. Set it on a version first, or serve a stage or version instead.`);
      return found.version;
    }
  }
}
