import { describe, expect, it } from "vitest";
import { readPredictions } from "./read-predictions";

describe("readPredictions", () => {
  it("accepts one iris class per row", () => {
    expect(readPredictions({ predictions: [2, 1] }, 2)).toEqual({ ok: true, predictions: [2, 1] });
  });

  it("names what was found when the count is wrong", () => {
    expect(readPredictions({ predictions: [0, 1, 2] }, 2)).toEqual({ ok: false, problem: "expected 2 predictions for 2 rows, got 3: `[0,1,2]`" });
  });

  it("refuses values that are not iris class numbers", () => {
    expect(readPredictions({ predictions: ["virginica", "versicolor"] }, 2)).toMatchObject({
      ok: false,
      problem: 'prediction `"virginica"` is not an iris class (expected 0, 1 or 2); all: `["virginica","versicolor"]`',
    });
    expect(readPredictions({ predictions: [[0.1, 0.9, 0], [1, 0, 0]] }, 2)).toMatchObject({ ok: false });
  });

  it("explains answers that are not the scoring protocol's shape", () => {
    expect(readPredictions(undefined, 2)).toEqual({ ok: false, problem: "the answer is not JSON" });
    expect(readPredictions([2, 1], 2)).toEqual({ ok: false, problem: "expected a JSON object with `predictions`, got `[2,1]`" });
    expect(readPredictions({ outputs: [2, 1] }, 2)).toEqual({ ok: false, problem: "the answer has no `predictions`; it has `outputs`" });
  });
});
