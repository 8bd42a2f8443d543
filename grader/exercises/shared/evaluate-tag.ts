import { failed, passed, type Outcome } from "../../checks/check-spec";
import { listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";
import { sharedText as text } from "./shared-text";

export const tagMessages = {
  ok: (key: string, value: string) => text.message("tagOk", { key, value }),
  wrongValue: (key: string, found: string, expected: string) => text.message("tagWrongValue", { key, found, expected }),
  missing: (key: string, others: string[]) =>
    others.length > 0 ? text.message("tagMissing", { key, others: listCodes(others) }) : text.message("tagMissingNoTags", { key }),
};

/** Hint kinds: `default` (tag missing), `wrongValue`. */
export function evaluateTag(run: RunView, key: string, expected: string): Outcome {
  const value = run.tags.get(key);
  if (value === expected) return passed(tagMessages.ok(key, value));
  if (value !== undefined) return failed(tagMessages.wrongValue(key, value, expected), { hintKind: "wrongValue" });
  // A case or spacing slip in the key reads as "missing" unless we show what is there.
  return failed(tagMessages.missing(key, [...run.userTags.keys()]));
}
