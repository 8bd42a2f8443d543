import { describe, expect, it } from "vitest";
import { measureAgreement, sameLabel } from "./measure-agreement";

/** Six "iris" rows, two of them identical (iris has a few), and the model's labels. */
const EXPECTED = {
  rows: [
    [5.1, 3.5, 1.4, 0.2],
    [4.9, 3.0, 1.4, 0.2],
    [7.0, 3.2, 4.7, 1.4],
    [6.3, 3.3, 6.0, 2.5],
    [5.8, 2.7, 5.1, 1.9],
    [5.8, 2.7, 5.1, 1.9],
  ],
  predictions: [0, 0, 1, 2, 2, 2],
};
const withLabels = (labels: unknown[]) => EXPECTED.rows.map((row, index) => [...row, labels[index]]);

describe("measureAgreement", () => {
  it("counts rows whose features are iris rows and whose label is the expected one", () => {
    expect(measureAgreement(EXPECTED, withLabels(EXPECTED.predictions))).toEqual({
      inputRows: 6,
      rows: 6,
      agreeing: 6,
      values: [
        [2, 3],
        [0, 2],
        [1, 1],
      ],
      distinctValues: 3,
    });
    expect(measureAgreement(EXPECTED, withLabels([0, 1, 1, 0, 2, 0])).agreeing).toBe(3);
  });

  it("matches rows on their features, in any order, and labels as numbers or text", () => {
    const shuffled = withLabels(["0", 0.0, 1, "2", true, 2]).reverse();
    expect(measureAgreement(EXPECTED, shuffled).agreeing).toBe(5); // `true` is 1, not 2
    expect(sameLabel("setosa", "setosa")).toBe(true);
    expect(sameLabel("", 0)).toBe(false);
    expect(sameLabel(null, 0)).toBe(false);
  });

  it("a constant reports its one value", () => {
    const found = measureAgreement(EXPECTED, withLabels([0, 0, 0, 0, 0, 0]));
    expect(found).toMatchObject({ agreeing: 2, distinctValues: 1, values: [[0, 6]] });
  });

  it("duplicated rows count once per iris row, and the share stays out of the iris rows", () => {
    const twice = [...withLabels(EXPECTED.predictions), ...withLabels(EXPECTED.predictions)];
    expect(measureAgreement(EXPECTED, twice)).toMatchObject({ inputRows: 6, rows: 12, agreeing: 6 });
    // The same correct row 150 times agrees once.
    const one = Array.from({ length: 150 }, () => [5.1, 3.5, 1.4, 0.2, 0]);
    expect(measureAgreement(EXPECTED, one)).toMatchObject({ rows: 150, agreeing: 1 });
  });

  it("rows that are not iris rows, malformed rows and missing rows never agree", () => {
    const made = [
      [1, 2, 3, 4, 0],
      [5.1, 3.5, 1.4, 0.2000011, 0], // not the same row at 6 decimal places
      [5.1, 3.5, 1.4, 0],
      [5.1, 3.5, 1.4, 0.2, 0, 9],
      ["5.1", "3.5", null, "0.2", 0],
      "not a row",
      [true, 3.5, 1.4, 0.2, 0],
    ];
    expect(measureAgreement(EXPECTED, made)).toMatchObject({ inputRows: 6, rows: 7, agreeing: 0 });
    expect(measureAgreement(EXPECTED, withLabels(EXPECTED.predictions).slice(0, 2))).toMatchObject({ rows: 2, agreeing: 2 });
    expect(measureAgreement(EXPECTED, [])).toMatchObject({ rows: 0, agreeing: 0, values: [], distinctValues: 0 });
  });

  it("features given as numeric text match (a cast in the learner's code), and a larger reported count shows", () => {
    expect(measureAgreement(EXPECTED, [["5.1", "3.5", "1.4", "0.2", 0]], 20_000)).toMatchObject({ rows: 20_000, agreeing: 1 });
  });

  it("a model answering one column per row is read by its first value", () => {
    const expected = { rows: EXPECTED.rows, predictions: EXPECTED.predictions.map((p) => [p]) };
    expect(measureAgreement(expected, withLabels(EXPECTED.predictions)).agreeing).toBe(6);
  });
});
