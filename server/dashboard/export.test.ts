import { describe, expect, it } from "vitest";
import { buildMatrix } from "./build-matrix";
import { ATTEMPT_COLUMNS, attemptsCsv, classJson, csvField, MATRIX_COLUMNS, matrixCsv, toCsv } from "./export";
import { attempt, check, fail, learner, NOW, pass, platformError } from "./test-records";

/** A strict RFC 4180 reader, to check that what we write reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 2];
      else if (c === '"') [quoted, i] = [false, i + 1];
      else [field, i] = [field + c, i + 1];
    } else if (c === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      [quoted, i] = [true, i + 1];
    } else if (c === ",") [row, field, i] = [[...row, field], "", i + 1];
    else if (c === "\r" && text[i + 1] === "\n") {
      rows.push([...row, field]);
      [row, field, i] = [[], "", i + 2];
    } else if (c === "\r" || c === "\n") throw new Error(`bare line break at ${i}`);
    else [field, i] = [field + c, i + 1];
  }
  if (quoted) throw new Error("unterminated quote");
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ["line1\nline2", '"line1\nline2"'],
    ["line1\r\nline2", '"line1\r\nline2"'],
    ["cr\ronly", '"cr\ronly"'],
    ["  spaces kept  ", "  spaces kept  "],
    ["unicode é ✓", "unicode é ✓"],
  ])("writes %j as %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("writes numbers as numbers and nothing for null, undefined or non-finite numbers", () => {
    expect(csvField(0)).toBe("0");
    expect(csvField(-12.5)).toBe("-12.5");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
  });

  it.each([
    ["=HYPERLINK(\"http://x\")", '"\'=HYPERLINK(""http://x"")"'],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTab", "'\tTab"],
  ])("defuses text a spreadsheet would run as a formula: %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe("toCsv", () => {
  it("ends every line with CRLF and reads back as written", () => {
    const rows = [
      ["a,b", 'q"uote', "multi\nline"],
      ["", null, 3],
    ];
    const text = toCsv(["x", "y", "z"], rows);
    expect(text).toBe('x,y,z\r\n"a,b","q""uote","multi\nline"\r\n,,3\r\n');
    expect(parseCsv(text)).toStrictEqual([
      ["x", "y", "z"],
      ["a,b", 'q"uote', "multi\nline"],
      ["", "", "3"],
    ]);
  });

  it("is only the header for no rows", () => {
    expect(toCsv(["a", "b"], [])).toBe("a,b\r\n");
  });
});

const EXERCISES = [
  { id: "e1", title: "One" },
  { id: "e2", title: "Two" },
];

describe("matrixCsv", () => {
  it("has one row per learner × exercise with the documented columns", () => {
    const learners = [learner("a", -60, 'Ann "the, first"'), learner("b", -60, "Bob")];
    const attempts = [fail("a", "e1", -30, "x"), pass("a", "e1", -20.5), platformError("b", "e2", -1)];
    const rows = parseCsv(matrixCsv(buildMatrix(learners, attempts, EXERCISES, NOW), EXERCISES));
    expect(rows).toStrictEqual([
      [...MATRIX_COLUMNS],
      ["a", 'Ann "the, first"', "e1", "passed", "2", "570", "2026-11-26T09:39:30.000Z"],
      ["a", 'Ann "the, first"', "e2", "not-started", "0", "", ""],
      ["b", "Bob", "e1", "not-started", "0", "", ""],
      ["b", "Bob", "e2", "not-started", "0", "", ""],
    ]);
  });

  it("is only the header for an empty class", () => {
    expect(matrixCsv([], EXERCISES)).toBe(`${MATRIX_COLUMNS.join(",")}\r\n`);
  });
});

describe("attemptsCsv", () => {
  it("has one row per check result, oldest attempt first, and one row for an attempt without checks", () => {
    const learners = [learner("a", -60, "Ann")];
    const later = attempt("a", "e1", -1, "failed", [check("p", "passed", "ok"), check("m", "failed", 'metric "accuracy" missing,\nfound "acc"')], { id: "att-2", durationMs: 1234 });
    const earlier = attempt("a", "e2", -9, "error", [], { id: "att-1", durationMs: 5 });
    const rows = parseCsv(attemptsCsv(learners, [later, earlier, attempt("ghost", "e1", -5, "passed", [], { id: "att-g" })]));
    expect(rows).toStrictEqual([
      [...ATTEMPT_COLUMNS],
      ["att-1", "a", "Ann", "e2", "error", earlier.startedAt, "5", "", "", "", ""],
      ["att-g", "ghost", "", "e1", "passed", rows[2][5], "50", "", "", "", ""],
      ["att-2", "a", "Ann", "e1", "failed", later.startedAt, "1234", "p", "Check p", "passed", "ok"],
      ["att-2", "a", "Ann", "e1", "failed", later.startedAt, "1234", "m", "Check m", "failed", 'metric "accuracy" missing,\nfound "acc"'],
    ]);
  });
});

describe("classJson", () => {
  it("holds generatedAt, exercises, learners and attempts (oldest first, with their checks)", () => {
    const a2 = pass("a", "e1", -1);
    const a1 = fail("a", "e1", -2, "x");
    const exported = classJson({ learners: [learner("a")], attempts: [a2, a1] }, EXERCISES, NOW);
    expect(exported).toStrictEqual({ generatedAt: NOW.toISOString(), exercises: EXERCISES, learners: [learner("a")], attempts: [a1, a2] });
    expect(JSON.parse(JSON.stringify(exported))).toStrictEqual(exported);
  });
});
