import { failed, passed, type Outcome } from "../../checks/check-spec";
import { listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";
import { sharedText as text } from "./shared-text";

export const paramMessages = {
  ok: (key: string, value: string) => text.message("paramOk", { key, value }),
  missing: (key: string, others: string[]) =>
    others.length > 0 ? text.message("paramMissing", { key, others: listCodes(others) }) : text.message("paramMissingNoParams", { key }),
  notPositiveInteger: (key: string, value: string) => text.message("paramNotPositiveInteger", { key, value }),
};

/** A param holding a positive whole number (a count such as the number of trees). Hint kinds: `default`, `badValue`. */
export function evaluatePositiveIntegerParam(run: RunView, key: string): Outcome {
  const value = run.params.get(key);
  if (value === undefined) return failed(paramMessages.missing(key, [...run.params.keys()]));
  if (!/^\s*\+?\d+\s*$/.test(value) || Number(value) < 1) return failed(paramMessages.notPositiveInteger(key, value), { hintKind: "badValue" });
  return passed(paramMessages.ok(key, value));
}
