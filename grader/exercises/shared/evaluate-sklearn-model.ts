import { failed, passed, type Outcome } from "../../checks/check-spec";
import { listCodes } from "../../checks/format-names";
import type { LoggedModel } from "@/lib/mlflow";
import { readMlmodelFlavors } from "./read-mlmodel-flavors";
import type { RunView } from "./run-view";
import { sharedText as text } from "./shared-text";

export const READY = "LOGGED_MODEL_READY";

export const modelMessages = {
  ok: (name: string, modelId: string) => text.message("modelOk", { name, modelId }),
  legacyOk: (name: string) => text.message("modelLegacyOk", { name }),
  none: (name: string) => text.message("modelNone", { name }),
  otherNames: (name: string, found: string[]) => text.message("modelOtherNames", { name, found: listCodes(found) }),
  otherRun: (name: string, sourceRunId: string) => text.message("modelOtherRun", { name, sourceRunId }),
  notReady: (name: string, modelId: string, status: string) => text.message("modelNotReady", { name, modelId, status, ready: READY }),
  notSklearn: (name: string, flavors: string[] | null) =>
    flavors === null ? text.message("modelFlavorUnknown", { name }) : text.message("modelNotSklearn", { name, flavors: listCodes(flavors) }),
};

/**
 * "The run logged a scikit-learn model named `name`". MLflow 3 stores it as a
 * LoggedModel (runs/search `outputs.model_outputs` -> logged-models/<id>) whose
 * files live outside the run's artifacts; an MLflow 2 client wrote a
 * `name/MLmodel` run artifact instead. Both count.
 * Hint kinds: `default` (no model), `wrongName`, `notReady`, `notSklearn`.
 */
export async function evaluateSklearnModel(run: RunView, name: string): Promise<Outcome> {
  const models = await run.loggedModels();
  const named = models.filter((model) => model.info.name === name);
  if (named.length === 0) {
    const legacy = await evaluateLegacyModel(run, name);
    if (legacy) return legacy;
    if (models.length > 0) return failed(modelMessages.otherNames(name, unique(models.map((m) => m.info.name || m.info.model_id))), { hintKind: "wrongName" });
    return failed(modelMessages.none(name));
  }
  const fromRun = named.filter((model) => !model.info.source_run_id || model.info.source_run_id === run.id);
  if (fromRun.length === 0) return failed(modelMessages.otherRun(name, named[0].info.source_run_id ?? "?"));
  const ready = fromRun.filter((model) => model.info.status === READY);
  if (ready.length === 0) return failed(modelMessages.notReady(name, fromRun[0].info.model_id, fromRun[0].info.status), { hintKind: "notReady" });

  let firstFlavors: string[] | null = null;
  for (const model of ready) {
    const flavors = await flavorsOf(run, model);
    if (flavors?.includes("sklearn")) return passed(modelMessages.ok(name, model.info.model_id));
    firstFlavors ??= flavors;
  }
  return failed(modelMessages.notSklearn(name, firstFlavors), { hintKind: "notSklearn" });
}

async function flavorsOf(run: RunView, model: LoggedModel): Promise<string[] | null> {
  const text = await run.loggedModelFile(model.info.model_id, "MLmodel");
  return text === null ? null : readMlmodelFlavors(text);
}

/** The MLflow 2 layout: an MLmodel file in the run's own `name/` artifact folder. `undefined` when there is none. */
async function evaluateLegacyModel(run: RunView, name: string): Promise<Outcome | undefined> {
  const root = await run.artifacts();
  if (!root.some((entry) => entry.path === name && entry.is_dir)) return undefined;
  const text = await run.artifactText(`${name}/MLmodel`);
  if (text === null) return undefined;
  const flavors = readMlmodelFlavors(text);
  if (flavors?.includes("sklearn")) return passed(modelMessages.legacyOk(name));
  return failed(modelMessages.notSklearn(name, flavors), { hintKind: "notSklearn" });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
