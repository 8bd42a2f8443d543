import { failed, passed, type Outcome } from "../../checks/check-spec";
import { code, listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";

export const paramMessages = {
  ok: (key: string, value: string) => `param ${code(key)} is ${code(value)}`,
  missing: (key: string, others: string[]) =>
    others.length > 0 ? `param ${code(key)} missing; this run has params ${listCodes(others)}` : `param ${code(key)} missing; this run has no params`,
  notPositiveInteger: (key: string, value: string) => `param ${code(key)} is ${code(value)}, expected a positive whole number`,
};

/** A param holding a positive whole number (a count such as the number of trees). Hint kinds: `default`, `badValue`. */
export function evaluatePositiveIntegerParam(run: RunView, key: string): Outcome {
  const value = run.params.get(key);
  if (value === undefined) return failed(paramMessages.missing(key, [...run.params.keys()]));
  if (!/^\s*\+?\d+\s*$/.test(value) || Number(value) < 1) return failed(paramMessages.notPositiveInteger(key, value), { hintKind: "badValue" });
  return passed(paramMessages.ok(key, value));
}
