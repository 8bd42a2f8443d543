/**
 * A check is data plus one evaluation function: its id, title, prerequisites
 * and hint tiers, in lesson order, so the lesson authors and the Check panel
 * read the same list. The title and hints are course text, read from
 * lessons/messages/<exercise>.yaml (course-text.ts).
 */

/** Tier 1 points the way without code; tier 2 names the API; tier 3 nearly shows the line. */
export type HintTiers = readonly [string, string, string];

/** Hint tiers per kind of miss; `default` serves outcomes that name no kind. */
export type HintSet = { readonly default: HintTiers } & { readonly [kind: string]: HintTiers };

export type Outcome =
  | { status: "passed"; message: string; link?: string }
  | { status: "failed"; message: string; link?: string; /** key into the check's `hints` */ hintKind?: string };

export type CheckSpec<State> = {
  id: string;
  title: string;
  /** Never blocks passing; reported with `optional: true`. */
  optional?: true;
  /** Ids of earlier checks that must pass first; otherwise this one is skipped. */
  requires?: readonly string[];
  hints: HintSet;
  evaluate(state: State): Promise<Outcome>;
};

export const passed = (message: string, link?: string): Outcome => ({ status: "passed", message, link });
export const failed = (message: string, options: { link?: string; hintKind?: string } = {}): Outcome => ({
  status: "failed",
  message,
  ...options,
});
