import type { HintSet } from "./check-spec";

/**
 * Hints escalate with the attempt number (1-based): the first miss gets a
 * pointer, the second the API to use, the third and later nearly the line of
 * code. Tier 1 never shows solution code.
 */
export function pickHint(hints: HintSet, kind: string | undefined, attempt: number): string {
  const tiers = (kind !== undefined ? hints[kind] : undefined) ?? hints.default;
  const tier = Math.min(Math.max(Math.trunc(Number.isFinite(attempt) ? attempt : 1), 1), tiers.length);
  return tiers[tier - 1];
}
