import { createMlflowClient, isMlflowUnavailableError, type ModelVersion } from "@/lib/mlflow";
import { AppError } from "../errors/app-error";
import type { ParsedModelUri } from "@/contracts/model-uri";

/**
 * Asks MLflow whether the URI names a model version, before any process is
 * started, so the learner gets "IrisModel has no version in Staging" rather
 * than a Python traceback. `workspace`: the learner's (classroom mode).
 */
export async function resolveModelVersion(mlflowUrl: string, uri: ParsedModelUri, workspace?: string): Promise<string> {
  let found: ModelVersion[];
  let aliases: Array<{ alias: string; version: string }> = [];
  try {
    const client = createMlflowClient({ baseUrl: mlflowUrl, ...(workspace ? { workspace } : {}) });
    // MLflow's version search leaves aliases out: they are read from the registered model.
    const [versions, registered] = await Promise.all([client.searchModelVersions(uri.name), uri.kind === "alias" ? client.getRegisteredModel(uri.name) : null]);
    found = versions;
    aliases = registered?.aliases ?? [];
  } catch (error) {
    if (!isMlflowUnavailableError(error)) throw error;
    if (error.kind === "unreachable" || error.kind === "timeout") {
      throw new AppError("mlflow_unreachable", "MLflow is not answering, so the model cannot be looked up. The course restarts it by itself; try again in a few seconds.");
    }
    throw new AppError("mlflow_unreachable", `MLflow answered ${error.upstreamStatus ?? "something unexpected"} when the model was looked up; try again.`);
  }
  const versions = [...found].sort((a, b) => Number(b.version) - Number(a.version));
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
      const found = aliases.find((alias) => alias.alias === uri.alias);
      if (!found) throw new AppError("bad_request", `${uri.name} has no alias @${uri.alias}. Set it on a version first, or serve a stage or version instead.`);
      return found.version;
    }
  }
}
