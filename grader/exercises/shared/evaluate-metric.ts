import { failed, passed, type Outcome } from "../../checks/check-spec";
import { code, listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";

export const metricMessages = {
  ok: (key: string, value: number) => `metric ${code(key)} is ${formatNumber(value)}`,
  missing: (key: string, others: string[]) =>
    others.length > 0 ? `metric ${code(key)} missing; this run has ${listCodes(others)}` : `metric ${code(key)} missing; this run has no metrics`,
  outOfRange: (key: string, value: number, min: number, max: number) =>
    `metric ${code(key)} is ${formatNumber(value)}, expected a value between ${min} and ${max}`,
};

/** A metric within [min, max] (accuracy as a fraction, not a percentage). Hint kinds: `default`, `outOfRange`. */
export function evaluateMetricInRange(run: RunView, key: string, min: number, max: number): Outcome {
  const value = run.metrics.get(key);
  if (value === undefined) return failed(metricMessages.missing(key, [...run.metrics.keys()]));
  if (!(value >= min && value <= max)) return failed(metricMessages.outOfRange(key, value, min, max), { hintKind: "outOfRange" });
  return passed(metricMessages.ok(key, value));
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
