import { code } from "../checks/format-names";
import { IRIS_CLASSES } from "./iris-rows";

export type PredictionsReading = { ok: true; predictions: number[] } | { ok: false; problem: string };

/**
 * Reads `{"predictions": [...]}` and checks it holds exactly `expectedCount`
 * iris class numbers. The problem text names what was found.
 */
export function readPredictions(json: unknown, expectedCount: number): PredictionsReading {
  if (json === undefined) return { ok: false, problem: "the answer is not JSON" };
  if (Array.isArray(json) || typeof json !== "object" || json === null) {
    return { ok: false, problem: `expected a JSON object with ${code("predictions")}, got ${code(short(json))}` };
  }
  const predictions = (json as { predictions?: unknown }).predictions;
  if (predictions === undefined) {
    return { ok: false, problem: `the answer has no ${code("predictions")}; it has ${Object.keys(json).map((k) => code(k)).join(", ") || "nothing"}` };
  }
  if (!Array.isArray(predictions)) return { ok: false, problem: `${code("predictions")} is ${code(short(predictions))}, expected a list` };
  if (predictions.length !== expectedCount) {
    return {
      ok: false,
      problem: `expected ${expectedCount} predictions for ${expectedCount} rows, got ${predictions.length}: ${code(short(predictions))}`,
    };
  }
  const invalid = predictions.find((value) => !(IRIS_CLASSES as readonly unknown[]).includes(value));
  if (invalid !== undefined) {
    return { ok: false, problem: `prediction ${code(short(invalid))} is not an iris class (expected 0, 1 or 2); all: ${code(short(predictions))}` };
  }
  return { ok: true, predictions: predictions as number[] };
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
