/** Small helpers so every message quotes names the same way. */

export const code = (value: string | number): string => `\`${value}\``;

/** "`a`, `b` and `c`", cut to `max` names with "and 4 more". */
export function listCodes(values: readonly (string | number)[], max = 5): string {
  const shown = values.slice(0, max).map(code);
  const rest = values.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** Names that differ only by case, dashes, underscores or spaces ("tracking_exercise" for "Tracking-Exercise"). */
export function isNearMiss(expected: string, found: string): boolean {
  const squash = (value: string) => value.toLowerCase().replace(/[\s_-]+/g, "");
  return found !== expected && squash(found) === squash(expected);
}
