import { failed, passed } from "../checks/check-spec";
import { listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import { courseText } from "../course-text";
import type { ModelVersion, RegisteredModel } from "@/lib/mlflow";
import { defineExercise, type GradingContext } from "./exercise";
import { MODEL_NAME } from "./model-registry";

/**
 * The aliases exercise (lesson 4): record `@champion`'s version as `@previous`, promote
 * `@challenger` to `@champion`, then roll back by moving `@champion` to where `@previous` points.
 * MLflow keeps no history of an alias, so the state graded is the rollback's result: `@champion`
 * (exactly: aliases are case-sensitive) on the version `@previous` recorded, which is not the
 * version that was promoted (`@challenger`, or the newest version when there is no challenger).
 */
export const CHAMPION = "champion";
export const PREVIOUS = "previous";
export const CHALLENGER = "challenger";

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

  async alias(name: string): Promise<{ alias: string; version: string } | undefined> {
    return (await this.registeredModel())?.aliases.find((a) => a.alias === name);
  }

  champion() {
    return this.alias(CHAMPION);
  }

  /** An alias that is `champion` in another case (`Champion`): a different alias for MLflow. */
  async championInOtherCase(): Promise<{ alias: string; version: string } | undefined> {
    return (await this.registeredModel())?.aliases.find((a) => a.alias !== CHAMPION && a.alias.toLowerCase() === CHAMPION);
  }
}

const text = courseText("model-aliases", {
  checks: {
    "two-versions": [],
    "champion-set": ["aliasCase"],
    "champion-rolled-back": ["previousAfterPromotion"],
  },
  messages: {
    noModel: [],
    noVersions: [],
    oneVersion: ["version"],
    enoughVersions: ["versions"],
    championSet: ["version"],
    championMissingNoAliases: [],
    championMissing: ["aliases"],
    championCase: ["alias", "version"],
    noPrevious: ["version"],
    notRolledBack: ["version", "previous"],
    previousIsPromoted: ["version", "promoted"],
    rolledBack: ["version", "promoted"],
  },
});

export const aliasesMessages = {
  noModel: () => text.message("noModel"),
  tooFewVersions: (versions: ModelVersion[]) =>
    versions.length === 0 ? text.message("noVersions") : text.message("oneVersion", { version: versions[0].version }),
  enoughVersions: (versions: ModelVersion[]) => text.message("enoughVersions", { versions: listCodes(versions.map((v) => v.version)) }),
  championSet: (alias: { version: string }) => text.message("championSet", { version: alias.version }),
  championMissing: (aliases: string[]) =>
    aliases.length === 0 ? text.message("championMissingNoAliases") : text.message("championMissing", { aliases: listCodes(aliases.map((a) => `@${a}`)) }),
  championCase: (alias: { alias: string; version: string }) => text.message("championCase", alias),
  noPrevious: (champion: { version: string }) => text.message("noPrevious", { version: champion.version }),
  notRolledBack: (champion: { version: string }, previous: { version: string }) => text.message("notRolledBack", { version: champion.version, previous: previous.version }),
  previousIsPromoted: (champion: { version: string }, promoted: string) => text.message("previousIsPromoted", { version: champion.version, promoted }),
  rolledBack: (champion: { version: string }, promoted: string) => text.message("rolledBack", { version: champion.version, promoted }),
};

export const modelAliases = defineExercise<AliasesState>({
  id: "model-aliases",
  title: "Model aliases: promote and roll back",
  createState: (context) => new AliasesState(context),
  checks: [
    {
      id: "two-versions",
      title: text.title("two-versions"),
      hints: text.hints("two-versions"),
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
      title: text.title("champion-set"),
      requires: ["two-versions"],
      hints: text.hints("champion-set"),
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
      title: text.title("champion-rolled-back"),
      requires: ["champion-set"],
      hints: text.hints("champion-rolled-back"),
      async evaluate(state) {
        const champion = (await state.champion())!;
        const link = state.links.modelVersion(MODEL_NAME, champion.version);
        const previous = await state.alias(PREVIOUS);
        if (!previous) return failed(aliasesMessages.noPrevious(champion), { link: state.links.registeredModel(MODEL_NAME) });
        if (previous.version !== champion.version) return failed(aliasesMessages.notRolledBack(champion, previous), { link });
        // What the promotion moved `@champion` to: the challenger, or else the newest version.
        const promoted = (await state.alias(CHALLENGER))?.version ?? (await state.versions()).at(-1)!.version;
        if (promoted === champion.version) return failed(aliasesMessages.previousIsPromoted(champion, promoted), { link, hintKind: "previousAfterPromotion" });
        return passed(aliasesMessages.rolledBack(champion, promoted), link);
      },
    },
  ],
});
