import { failed, passed } from "../checks/check-spec";
import { code, isNearMiss, listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import type { ModelVersion, RegisteredModel } from "../mlflow";
import { defineExercise, type GradingContext } from "./exercise";

/**
 * The registry exercise: register the tracking run's model as `IrisModel` and
 * move a version to the `Staging` stage. MLflow 3 prefers aliases; the next
 * lessons load `models:/IrisModel/Staging`, which resolves the stage only, so
 * an alias alone fails the stage check (with an explanation) and the alias is
 * an optional extra.
 */
export const MODEL_NAME = "IrisModel";
export const STAGE = "Staging";
export const ALIAS = "staging";

class RegistryState {
  readonly registeredModel: () => Promise<RegisteredModel | null>;
  readonly versions: () => Promise<ModelVersion[]>;
  readonly otherModelNames: () => Promise<string[]>;

  constructor(readonly context: GradingContext) {
    const client = context.client;
    this.registeredModel = once(() => client.getRegisteredModel(MODEL_NAME));
    this.versions = once(async () =>
      (await client.searchModelVersions(MODEL_NAME)).sort((a, b) => Number(a.version) - Number(b.version)),
    );
    this.otherModelNames = once(async () => (await client.searchRegisteredModels({ maxResults: 100 })).map((m) => m.name).filter((n) => n !== MODEL_NAME));
  }

  get links() {
    return this.context.links;
  }

  /** The `@staging` alias, exactly: aliases are case-sensitive (`models:/IrisModel@staging` does not find `@Staging`). */
  async alias(): Promise<{ alias: string; version: string } | undefined> {
    const model = await this.registeredModel();
    return model?.aliases.find((a) => a.alias === ALIAS);
  }

  /** An alias that is `staging` in another case (the UI lets people type `Staging`). */
  async aliasInOtherCase(): Promise<{ alias: string; version: string } | undefined> {
    const model = await this.registeredModel();
    return model?.aliases.find((a) => a.alias !== ALIAS && a.alias.toLowerCase() === ALIAS);
  }
}

export const registryMessages = {
  missing: (others: string[]) => {
    const near = others.filter((name) => isNearMiss(MODEL_NAME, name));
    if (near.length > 0) return `no registered model named ${code(MODEL_NAME)}; found ${listCodes(near)}, which differs only in spelling`;
    if (others.length === 0) return `no registered model named ${code(MODEL_NAME)}; the model registry is empty`;
    return `no registered model named ${code(MODEL_NAME)}; the registry has ${listCodes(others)}`;
  },
  exists: () => `registered model ${code(MODEL_NAME)} exists`,
  noVersions: () => `${code(MODEL_NAME)} has no versions yet`,
  hasVersions: (versions: ModelVersion[]) =>
    `${code(MODEL_NAME)} has ${versions.length === 1 ? "version" : "versions"} ${listCodes(versions.map((v) => v.version))}`,
  inStage: (version: ModelVersion) => `version ${version.version} is in ${code(STAGE)}`,
  notReady: (version: ModelVersion) => `version ${version.version} is in ${code(STAGE)} but its registration is ${code(version.status ?? "unknown")}, expected ${code("READY")}`,
  wrongStages: (versions: ModelVersion[]) => {
    const described = versions.map((v) => `version ${v.version} is in ${code(v.current_stage)}`);
    if (versions.length === 1) return `${described[0]}, expected ${code(STAGE)}`;
    const shown = described.slice(-5).join(", ");
    const hidden = versions.length > 5 ? ` (and ${versions.length - 5} older)` : "";
    return `${shown}${hidden}; expected one in ${code(STAGE)}`;
  },
  aliasOnly: (alias: { alias: string; version: string }) =>
    `no version is in the stage ${code(STAGE)}, but the alias ${code(`@${alias.alias}`)} points to version ${alias.version}. ` +
    `An alias is not a stage: \`models:/${MODEL_NAME}/${STAGE}\`, which the next lessons load, finds the stage only`,
  aliasSet: (alias: { alias: string; version: string }) => `alias ${code(`@${alias.alias}`)} points to version ${alias.version}`,
  aliasCase: (alias: { alias: string; version: string }) =>
    `the alias ${code(`@${alias.alias}`)} points to version ${alias.version}, but aliases are case-sensitive: ${code(`models:/${MODEL_NAME}@${ALIAS}`)} does not find it; name it ${code(ALIAS)}`,
  aliasMissing: () => `no alias ${code(`@${ALIAS}`)} (optional: aliases are MLflow's modern replacement for stages)`,
};

export const modelRegistry = defineExercise<RegistryState>({
  id: "model-registry",
  title: "Model registry",
  createState: (context) => new RegistryState(context),
  checks: [
    {
      id: "registered-model-exists",
      title: "Registered model `IrisModel` exists",
      hints: {
        default: [
          "Register the model logged by your tracking exercise run in the model registry, under the name `IrisModel`.",
          "In the MLflow UI, open the run, select the logged model and use “Register model”; or call `mlflow.register_model` with the model's URI.",
          'Run `mlflow.register_model(f"models:/{model_id}", "IrisModel")` with `model_id` from your Tracking-Exercise run (`run.outputs.model_outputs[0].model_id`).',
        ],
        nearMiss: [
          "A registered model with almost this name exists: names are case-sensitive and must match exactly.",
          "Register the model again under the exact name `IrisModel` (or rename the registered model in the UI).",
          'Run `mlflow.register_model(f"models:/{model_id}", "IrisModel")` with your run\'s model id.',
        ],
      },
      async evaluate(state) {
        const model = await state.registeredModel();
        if (model) return passed(registryMessages.exists(), state.links.registeredModel(MODEL_NAME));
        const others = await state.otherModelNames();
        return failed(registryMessages.missing(others), {
          link: state.links.models(),
          hintKind: others.some((name) => isNearMiss(MODEL_NAME, name)) ? "nearMiss" : undefined,
        });
      },
    },
    {
      id: "has-versions",
      title: "`IrisModel` has versions",
      requires: ["registered-model-exists"],
      hints: {
        default: [
          "The registered model exists but holds no version: register your run's model into it.",
          "Each registration of a model under an existing name adds a version; use “Register model” on the run's model in the UI, or `mlflow.register_model`.",
          'Run `mlflow.register_model(f"models:/{model_id}", "IrisModel")` with the model id of your Tracking-Exercise run.',
        ],
      },
      async evaluate(state) {
        const versions = await state.versions();
        const link = state.links.registeredModel(MODEL_NAME);
        if (versions.length === 0) return failed(registryMessages.noVersions(), { link });
        return passed(registryMessages.hasVersions(versions), link);
      },
    },
    {
      id: "version-in-staging",
      title: "A version of `IrisModel` is in stage `Staging`",
      requires: ["has-versions"],
      hints: {
        default: [
          "Move one version of `IrisModel` to the stage `Staging`. Stages are deprecated in MLflow 3 but still work, and the next lessons rely on this one.",
          "In the UI, switch off “New model registry UI” on the version page to get “Stage → Transition to Staging”; or use `MlflowClient.transition_model_version_stage`.",
          'Run `MlflowClient().transition_model_version_stage("IrisModel", <version>, "Staging", archive_existing_versions=True)` with your version number.',
        ],
        aliasOnly: [
          "You set an alias; this step asks for the stage `Staging`, a different mechanism: `models:/IrisModel/Staging` does not look at aliases.",
          "Keep the alias if you like, and also transition the version to the stage: in the UI, switch off “New model registry UI” to see the stage menu, or use `MlflowClient.transition_model_version_stage`.",
          'Run `MlflowClient().transition_model_version_stage("IrisModel", <version>, "Staging")`; keep the alias if you like.',
        ],
      },
      async evaluate(state) {
        const versions = await state.versions();
        const staged = versions.filter((v) => v.current_stage === STAGE);
        if (staged.length > 0) {
          const ready = staged.filter((v) => !v.status || v.status === "READY");
          const chosen = (ready.length > 0 ? ready : staged).at(-1)!;
          const link = state.links.modelVersion(MODEL_NAME, chosen.version);
          if (ready.length === 0) return failed(registryMessages.notReady(chosen), { link });
          return passed(registryMessages.inStage(chosen), link);
        }
        const alias = (await state.alias()) ?? (await state.aliasInOtherCase());
        if (alias) {
          return failed(registryMessages.aliasOnly(alias), { link: state.links.modelVersion(MODEL_NAME, alias.version), hintKind: "aliasOnly" });
        }
        const latest = versions.at(-1);
        return failed(registryMessages.wrongStages(versions), {
          link: latest ? state.links.modelVersion(MODEL_NAME, latest.version) : state.links.registeredModel(MODEL_NAME),
        });
      },
    },
    {
      id: "alias-staging",
      title: "Optional: alias `@staging` is set",
      optional: true,
      requires: ["has-versions"],
      hints: {
        default: [
          "Optional: MLflow 3 replaces stages with aliases. Give the staged version the alias `staging` too, to try the modern way.",
          "On the version page, “Aliases → Add” sets one; so does `MlflowClient.set_registered_model_alias`.",
          'Run `MlflowClient().set_registered_model_alias("IrisModel", "staging", "<version>")`; then `models:/IrisModel@staging` loads it.',
        ],
        aliasCase: [
          "Aliases are case-sensitive: `@Staging` and `@staging` are two different aliases. Add the alias `staging`, in lower case.",
          "On the version page, “Aliases → Add” the name `staging` (you may delete the other one); or use `MlflowClient.set_registered_model_alias`.",
          'Run `MlflowClient().set_registered_model_alias("IrisModel", "staging", "<version>")`; `models:/IrisModel@staging` then loads it.',
        ],
      },
      async evaluate(state) {
        const alias = await state.alias();
        if (alias) return passed(registryMessages.aliasSet(alias), state.links.modelVersion(MODEL_NAME, alias.version));
        const otherCase = await state.aliasInOtherCase();
        if (otherCase) return failed(registryMessages.aliasCase(otherCase), { link: state.links.modelVersion(MODEL_NAME, otherCase.version), hintKind: "aliasCase" });
        return failed(registryMessages.aliasMissing(), { link: state.links.registeredModel(MODEL_NAME) });
      },
    },
  ],
});
