import { describe, expect, it } from "vitest";
import { cellActivity } from "./count-cell-activity";
import { at, cellRun } from "./test-records";

describe("cellActivity", () => {
  it("is empty without runs, or zero rows for the learners asked about", () => {
    expect(cellActivity([])).toStrictEqual([]);
    expect(cellActivity([], ["b", "a"])).toStrictEqual([
      { learnerId: "a", runs: 0, errors: 0, lastRunAt: null },
      { learnerId: "b", runs: 0, errors: 0, lastRunAt: null },
    ]);
  });

  it("counts runs and runs that did not end ok, per learner", () => {
    const runs = [cellRun("a", -5), cellRun("a", -1, "error"), cellRun("a", -3, "timeout"), cellRun("b", -2, "interrupted"), cellRun("a", -4)];
    expect(cellActivity(runs, ["a", "c"])).toStrictEqual([
      { learnerId: "a", runs: 4, errors: 2, lastRunAt: at(-1) },
      { learnerId: "b", runs: 1, errors: 1, lastRunAt: at(-2) },
      { learnerId: "c", runs: 0, errors: 0, lastRunAt: null },
    ]);
  });
});
