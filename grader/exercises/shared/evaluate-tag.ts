import { failed, passed, type Outcome } from "../../checks/check-spec";
import { code, listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";

export const tagMessages = {
  ok: (key: string, value: string) => `tag ${code(key)} is ${code(value)}`,
  wrongValue: (key: string, found: string, expected: string) => `tag ${code(key)} is ${code(found)}, expected ${code(expected)}`,
  missing: (key: string, others: string[]) =>
    others.length > 0 ? `tag ${code(key)} missing; this run has tags ${listCodes(others)}` : `tag ${code(key)} missing; this run has no tags of its own`,
};

/** Hint kinds: `default` (tag missing), `wrongValue`. */
export function evaluateTag(run: RunView, key: string, expected: string): Outcome {
  const value = run.tags.get(key);
  if (value === expected) return passed(tagMessages.ok(key, value));
  if (value !== undefined) return failed(tagMessages.wrongValue(key, value, expected), { hintKind: "wrongValue" });
  // A case or spacing slip in the key reads as "missing" unless we show what is there.
  return failed(tagMessages.missing(key, [...run.userTags.keys()]));
}
