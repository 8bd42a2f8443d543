import { getRunArtifactText, listArtifacts } from "./artifacts";
import { getExperimentByName, searchExperiments } from "./experiments";
import { getLoggedModel, getLoggedModelArtifactText } from "./logged-models";
import { getRegisteredModel, searchModelVersions, searchRegisteredModels, transitionModelVersionStage } from "./registry";
import { getRun, searchAllRuns, searchRuns } from "./runs";
import type { MlflowConnection } from "./send-request";
import { createWorkspace, deleteWorkspace } from "./workspaces";

export type MlflowClientOptions = MlflowConnection;

/**
 * The REST functions bound to one connection. Checks take this object so that
 * a grading talks to exactly one MLflow (and one workspace).
 */
export function createMlflowClient(options: MlflowClientOptions) {
  const connection: MlflowConnection = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, "") };
  const c = connection;
  return {
    baseUrl: c.baseUrl,
    workspace: c.workspace,
    getExperimentByName: (name: string) => getExperimentByName(c, name),
    searchExperiments: (params?: Parameters<typeof searchExperiments>[1]) => searchExperiments(c, params),
    searchRuns: (params: Parameters<typeof searchRuns>[1]) => searchRuns(c, params),
    searchAllRuns: (params: Parameters<typeof searchAllRuns>[1], limit?: number) => searchAllRuns(c, params, limit),
    getRun: (runId: string) => getRun(c, runId),
    listArtifacts: (runId: string, path?: string) => listArtifacts(c, runId, path),
    getRunArtifactText: (runId: string, path: string) => getRunArtifactText(c, runId, path),
    getLoggedModel: (modelId: string) => getLoggedModel(c, modelId),
    getLoggedModelArtifactText: (modelId: string, path: string) => getLoggedModelArtifactText(c, modelId, path),
    getRegisteredModel: (name: string) => getRegisteredModel(c, name),
    searchRegisteredModels: (params?: Parameters<typeof searchRegisteredModels>[1]) => searchRegisteredModels(c, params),
    searchModelVersions: (modelName: string, limit?: number) => searchModelVersions(c, modelName, limit),
    transitionModelVersionStage: (name: string, version: string, stage: string) => transitionModelVersionStage(c, name, version, stage),
    createWorkspace: (name: string) => createWorkspace(c, name),
    deleteWorkspace: (name: string) => deleteWorkspace(c, name),
  };
}

export type MlflowClient = ReturnType<typeof createMlflowClient>;
