import { failed, passed, type Outcome } from "../../checks/check-spec";
import { listCodes } from "../../checks/format-names";
import type { RunView } from "./run-view";
import { sharedText as text } from "./shared-text";

export const metricMessages = {
  ok: (key: string, value: number) => text.message("metricOk", { key, value: formatNumber(value) }),
  missing: (key: string, others: string[]) =>
    others.length > 0 ? text.message("metricMissing", { key, others: listCodes(others) }) : text.message("metricMissingNoMetrics", { key }),
  outOfRange: (key: string, value: number, min: number, max: number) => text.message("metricOutOfRange", { key, value: formatNumber(value), min, max }),
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
