/**
 * How far the labels a learner's Spark code computed agree with the Staging model's own
 * predictions, measured by the grader (never by the process that ran the learner's code).
 *
 * `expected` comes from `python/expected_predictions.py` (the iris rows it loaded itself
 * and what `models:/IrisModel/Staging` predicts for each); `resultRows` are the rows the
 * learner's DataFrame held, `[f1, f2, f3, f4, predicted_label]`, as the helper collected them.
 *
 * A result row agrees when its four feature values are those of an iris row (to 6 decimal
 * places) and its label is that row's expected label. Each iris row can be agreed with
 * once: a duplicated row, a row whose features are not an iris row's, or a malformed row
 * never counts, and a result with fewer rows than iris can agree on those rows only.
 * The share is always out of the iris rows (150), whatever the result's row count.
 */

export type ExpectedIris = { rows: unknown[][]; predictions: unknown[] };

export type Agreement = {
  inputRows: number;
  rows: number;
  agreeing: number;
  /** The most common labels, `[value, rows]`, most common first (ties in order of appearance). */
  values: [unknown, number][];
  distinctValues: number;
};

const MOST_COMMON = 5;

export function measureAgreement(expected: ExpectedIris, resultRows: readonly unknown[], rowCount?: number): Agreement {
  // The expected labels still available per feature key (iris has a few duplicate rows).
  const available = new Map<string, { label: unknown; left: number }[]>();
  expected.rows.forEach((row, index) => {
    const key = featureKey(row);
    if (key === undefined) return;
    const label = expectedLabel(expected.predictions[index]);
    const candidates = available.get(key) ?? [];
    const same = candidates.find((c) => sameLabel(c.label, label));
    if (same) same.left += 1;
    else candidates.push({ label, left: 1 });
    available.set(key, candidates);
  });

  let agreeing = 0;
  const counts = new Map<string, { value: unknown; rows: number }>();
  for (const row of resultRows) {
    const cells = Array.isArray(row) ? row : [];
    const label = cells.length === 5 ? cells[4] : null;
    const shown = JSON.stringify(label) ?? "null";
    const count = counts.get(shown);
    if (count) count.rows += 1;
    else counts.set(shown, { value: label ?? null, rows: 1 });

    if (cells.length !== 5) continue;
    const key = featureKey(cells.slice(0, 4));
    const match = key === undefined ? undefined : available.get(key)?.find((c) => c.left > 0 && sameLabel(label, c.label));
    if (match) {
      match.left -= 1;
      agreeing += 1;
    }
  }

  const values = [...counts.values()].sort((a, b) => b.rows - a.rows).slice(0, MOST_COMMON);
  return {
    inputRows: expected.rows.length,
    rows: Math.max(resultRows.length, rowCount ?? 0),
    agreeing,
    values: values.map(({ value, rows }) => [value, rows]),
    distinctValues: counts.size,
  };
}

/** A model's prediction for one row: the value, or the first of a row of outputs. */
function expectedLabel(prediction: unknown): unknown {
  return Array.isArray(prediction) ? prediction[0] : prediction;
}

function asNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/** Four finite feature values, rounded to 6 decimal places; undefined for anything else. */
function featureKey(values: readonly unknown[]): string | undefined {
  if (values.length !== 4) return undefined;
  const parts: string[] = [];
  for (const value of values) {
    const number = asNumber(value);
    if (!Number.isFinite(number) || typeof value === "boolean") return undefined;
    parts.push(String(Math.round(number * 1e6) / 1e6));
  }
  return parts.join("|");
}

/** `1`, `1.0`, `"1"` and `true` are the same label as `1`; other values compare as text. */
export function sameLabel(found: unknown, expected: unknown): boolean {
  if (found === null || found === undefined || expected === null || expected === undefined) return false;
  const a = asNumber(found);
  const b = asNumber(expected);
  if (Number.isFinite(a) && Number.isFinite(b)) return a === b;
  if (typeof found === "object" || typeof expected === "object") return JSON.stringify(found) === JSON.stringify(expected);
  return String(found) === String(expected);
}
