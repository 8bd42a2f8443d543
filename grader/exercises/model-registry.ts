import { failed, passed } from "../checks/check-spec";
import { isNearMiss, listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import { courseText } from "../course-text";
import type { ModelVersion, RegisteredModel } from "@/lib/mlflow";
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

const text = courseText("model-registry", {
  checks: {
    "registered-model-exists": ["nearMiss"],
    "has-versions": [],
    "version-in-staging": ["aliasOnly"],
    "alias-staging": ["aliasCase"],
  },
  messages: {
    missingNear: ["names"],
    missingEmpty: [],
    missingOthers: ["names"],
    exists: [],
    noVersions: [],
    hasOneVersion: ["versions"],
    hasVersions: ["versions"],
    inStage: ["version"],
    notReady: ["version", "status"],
    versionStage: ["version", "stage"],
    wrongStage: ["stages"],
    wrongStages: ["stages"],
    wrongStagesAndOlder: ["stages", "older"],
    aliasOnly: ["alias", "version"],
    aliasSet: ["alias", "version"],
    aliasCase: ["alias", "version"],
    aliasMissing: [],
  },
});

export const registryMessages = {
  missing: (others: string[]) => {
    const near = others.filter((name) => isNearMiss(MODEL_NAME, name));
    if (near.length > 0) return text.message("missingNear", { names: listCodes(near) });
    if (others.length === 0) return text.message("missingEmpty");
    return text.message("missingOthers", { names: listCodes(others) });
  },
  exists: () => text.message("exists"),
  noVersions: () => text.message("noVersions"),
  hasVersions: (versions: ModelVersion[]) =>
    text.message(versions.length === 1 ? "hasOneVersion" : "hasVersions", { versions: listCodes(versions.map((v) => v.version)) }),
  inStage: (version: ModelVersion) => text.message("inStage", { version: version.version }),
  notReady: (version: ModelVersion) => text.message("notReady", { version: version.version, status: version.status ?? "unknown" }),
  wrongStages: (versions: ModelVersion[]) => {
    const described = versions.map((v) => text.message("versionStage", { version: v.version, stage: v.current_stage }));
    if (versions.length === 1) return text.message("wrongStage", { stages: described[0] });
    const stages = described.slice(-5).join(", ");
    if (versions.length > 5) return text.message("wrongStagesAndOlder", { stages, older: versions.length - 5 });
    return text.message("wrongStages", { stages });
  },
  aliasOnly: (alias: { alias: string; version: string }) => text.message("aliasOnly", alias),
  aliasSet: (alias: { alias: string; version: string }) => text.message("aliasSet", alias),
  aliasCase: (alias: { alias: string; version: string }) => text.message("aliasCase", alias),
  aliasMissing: () => text.message("aliasMissing"),
};

export const modelRegistry = defineExercise<RegistryState>({
  id: "model-registry",
  title: "Model registry",
  createState: (context) => new RegistryState(context),
  checks: [
    {
      id: "registered-model-exists",
      title: text.title("registered-model-exists"),
      hints: text.hints("registered-model-exists"),
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
      title: text.title("has-versions"),
      requires: ["registered-model-exists"],
      hints: text.hints("has-versions"),
      async evaluate(state) {
        const versions = await state.versions();
        const link = state.links.registeredModel(MODEL_NAME);
        if (versions.length === 0) return failed(registryMessages.noVersions(), { link });
        return passed(registryMessages.hasVersions(versions), link);
      },
    },
    {
      id: "version-in-staging",
      title: text.title("version-in-staging"),
      requires: ["has-versions"],
      hints: text.hints("version-in-staging"),
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
      title: text.title("alias-staging"),
      optional: true,
      requires: ["has-versions"],
      hints: text.hints("alias-staging"),
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
