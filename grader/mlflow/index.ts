export { createMlflowClient, type MlflowClient, type MlflowClientOptions } from "./client";
export { MlflowUnavailableError, isMlflowUnavailableError, type MlflowFailureKind } from "./mlflow-unavailable-error";
export { DEFAULT_MLFLOW_TIMEOUT_MS, type MlflowConnection } from "./send-request";
export type { ArtifactFile, Experiment, LoggedModel, ModelVersion, RegisteredModel, Run } from "./schemas";
export * from "./experiments";
export * from "./runs";
export * from "./artifacts";
export * from "./logged-models";
export * from "./registry";
