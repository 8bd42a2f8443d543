import { failed, passed } from "../checks/check-spec";
import { code, listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import type { ModelVersion, RegisteredModel } from "../mlflow";
import { defineExercise, type GradingContext } from "./exercise";
import { MODEL_NAME } from "./model-registry";

/**
 * The aliases exercise (lesson 4): point `@champion` at a new version of `IrisModel`, then roll
 * back by moving it to an older one. MLflow keeps no history of an alias, so the state graded is
 * the rollback's result: `@champion` (exactly: aliases are case-sensitive) on a version older
 * than the newest one.
 */
export const CHAMPION = "champion";

class AliasesState {
  readonly registeredModel: () => Promise<RegisteredModel | null>;
  readonly versions: () => Promise<ModelVersion[]>;

  constructor(readonly context: GradingContext) {
    const client = context.client;
    this.registeredModel = once(() => client.getRegisteredModel(MODEL_NAME));
    this.versions = once(async () =>
      (await client.searchModelVersions(MODEL_NAME)).sort((a, b) => Number(a.version) - Number(b.version)),
    );
  }

  get links() {
    return this.context.links;
  }

  async champion(): Promise<{ alias: string; version: string } | undefined> {
    return (await this.registeredModel())?.aliases.find((a) => a.alias === CHAMPION);
  }

  /** An alias that is `champion` in another case (`Champion`): a different alias for MLflow. */
  async championInOtherCase(): Promise<{ alias: string; version: string } | undefined> {
    return (await this.registeredModel())?.aliases.find((a) => a.alias !== CHAMPION && a.alias.toLowerCase() === CHAMPION);
  }
}

export const aliasesMessages = {
  noModel: () => `no registered model named ${code(MODEL_NAME)}; finish the model-registry exercise first`,
  tooFewVersions: (versions: ModelVersion[]) =>
    versions.length === 0
      ? `${code(MODEL_NAME)} has no versions yet; a rollback needs two`
      : `${code(MODEL_NAME)} has only version ${versions[0].version}; a rollback needs an older version to go back to, so register a new one`,
  enoughVersions: (versions: ModelVersion[]) => `${code(MODEL_NAME)} has versions ${listCodes(versions.map((v) => v.version))}`,
  championSet: (alias: { version: string }) => `alias ${code(`@${CHAMPION}`)} points to version ${alias.version}`,
  championMissing: (aliases: string[]) =>
    aliases.length === 0
      ? `${code(MODEL_NAME)} has no alias ${code(`@${CHAMPION}`)} (it has no aliases at all)`
      : `${code(MODEL_NAME)} has no alias ${code(`@${CHAMPION}`)}; its aliases are ${listCodes(aliases.map((a) => `@${a}`))}`,
  championCase: (alias: { alias: string; version: string }) =>
    `the alias ${code(`@${alias.alias}`)} points to version ${alias.version}, but aliases are case-sensitive: ${code(`models:/${MODEL_NAME}@${CHAMPION}`)} does not find it; name it ${code(CHAMPION)}`,
  notRolledBack: (alias: { version: string }) =>
    `${code(`@${CHAMPION}`)} points to version ${alias.version}, the newest version: roll it back to an older one`,
  rolledBack: (alias: { version: string }, newest: string) =>
    `${code(`@${CHAMPION}`)} points to version ${alias.version}, older than the newest version ${newest}: rolled back`,
};

export const modelAliases = defineExercise<AliasesState>({
  id: "model-aliases",
  title: "Model aliases: promote and roll back",
  createState: (context) => new AliasesState(context),
  checks: [
    {
      id: "two-versions",
      title: "`IrisModel` has at least two versions",
      hints: {
        default: [
          "A rollback goes back to an older version, so `IrisModel` needs at least two: register your model once more.",
          "Each `mlflow.register_model` of a model under the name `IrisModel` adds a version; the lesson's cell registers your newest logged model again.",
          'Run `mlflow.register_model(f"models:/{model_id}", "IrisModel")` with the model id of your Tracking-Exercise run, then set the aliases.',
        ],
      },
      async evaluate(state) {
        const model = await state.registeredModel();
        if (!model) return failed(aliasesMessages.noModel(), { link: state.links.models() });
        const versions = await state.versions();
        const link = state.links.registeredModel(MODEL_NAME);
        if (versions.length < 2) return failed(aliasesMessages.tooFewVersions(versions), { link });
        return passed(aliasesMessages.enoughVersions(versions), link);
      },
    },
    {
      id: "champion-set",
      title: "Alias `@champion` is set",
      requires: ["two-versions"],
      hints: {
        default: [
          "Give one version of `IrisModel` the alias `champion`: the version applications should use.",
          "`MlflowClient().set_registered_model_alias(name, alias, version)` sets an alias, or moves it when it already exists; the version page's Aliases editor does the same.",
          'Run `MlflowClient().set_registered_model_alias("IrisModel", "champion", <version>)`.',
        ],
        aliasCase: [
          "Aliases are case-sensitive: `@Champion` and `@champion` are two different aliases. Use `champion`, in lower case.",
          "Set the alias `champion` with `MlflowClient().set_registered_model_alias` (and delete the other one with `delete_registered_model_alias` if you like).",
          'Run `MlflowClient().set_registered_model_alias("IrisModel", "champion", <version>)`.',
        ],
      },
      async evaluate(state) {
        const champion = await state.champion();
        if (champion) return passed(aliasesMessages.championSet(champion), state.links.modelVersion(MODEL_NAME, champion.version));
        const otherCase = await state.championInOtherCase();
        if (otherCase) return failed(aliasesMessages.championCase(otherCase), { link: state.links.modelVersion(MODEL_NAME, otherCase.version), hintKind: "aliasCase" });
        const aliases = ((await state.registeredModel())?.aliases ?? []).map((a) => a.alias);
        return failed(aliasesMessages.championMissing(aliases), { link: state.links.registeredModel(MODEL_NAME) });
      },
    },
    {
      id: "champion-rolled-back",
      title: "`@champion` was rolled back to an older version",
      requires: ["champion-set"],
      hints: {
        default: [
          "Your champion is on the newest version. Roll back: point the same alias at the version before it.",
          "Setting an alias that exists moves it: `MlflowClient().set_registered_model_alias` with an older version number. Applications loading `models:/IrisModel@champion` then get that version.",
          'Run `MlflowClient().set_registered_model_alias("IrisModel", "champion", <the previous version>)`.',
        ],
      },
      async evaluate(state) {
        const champion = (await state.champion())!;
        const newest = (await state.versions()).at(-1)!.version;
        const link = state.links.modelVersion(MODEL_NAME, champion.version);
        if (Number(champion.version) >= Number(newest)) return failed(aliasesMessages.notRolledBack(champion), { link });
        return passed(aliasesMessages.rolledBack(champion, newest), link);
      },
    },
  ],
});
