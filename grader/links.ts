/**
 * Deep links into the MLflow UI as the course serves it (behind the `/mlflow/`
 * proxy; the UI uses hash routing). Paths, not URLs: the site decides its host.
 */
export type Links = ReturnType<typeof createLinks>;

export const DEFAULT_UI_BASE = "/mlflow";

export function createLinks(uiBase: string = DEFAULT_UI_BASE) {
  const base = uiBase.replace(/\/+$/, "");
  const enc = encodeURIComponent;
  return {
    experiments: () => `${base}/#/experiments`,
    experiment: (experimentId: string) => `${base}/#/experiments/${enc(experimentId)}`,
    run: (experimentId: string, runId: string) => `${base}/#/experiments/${enc(experimentId)}/runs/${enc(runId)}`,
    models: () => `${base}/#/models`,
    registeredModel: (name: string) => `${base}/#/models/${enc(name)}`,
    modelVersion: (name: string, version: string) => `${base}/#/models/${enc(name)}/versions/${enc(version)}`,
  };
}
