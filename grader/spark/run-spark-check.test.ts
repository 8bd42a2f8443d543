import { describe, expect, it } from "vitest";
import { PlatformError } from "../platform-error";
import type { DatasetPredictions } from "../serving/compute-expected-predictions";
import { helperEnv, measureRuns, readAnswers, type LearnerProcessResult } from "./run-spark-check";
import { EMPTY_FINDINGS } from "./spark-findings";

describe("the Spark check helper's environment", () => {
  const request = {
    pythonBin: "/course/.venv/bin/python",
    trackingUri: "http://127.0.0.1:5000",
    timeoutMs: 1000,
    baseEnv: {
      PATH: "/usr/bin",
      HOME: "/home/ada",
      SPARK_MASTER: "spark://cluster:7077",
      MLFLOW_TRACKING_TOKEN: "t",
      MLFLOW_WORKSPACE: "someone-else",
      MLFLOW_TRACKING_URI: "http://elsewhere",
      DATABASE_URL: "postgresql://course:secret@db/course",
      COURSE_INSTRUCTOR_PASSWORD: "secret",
      COURSE_JUPYTER_TOKEN: "secret",
      PYSPARK_PYTHON: "/usr/bin/python3",
    },
  };

  it("keeps the learner's code away from the course's secrets", () => {
    const env = helperEnv(request, "/tmp/spark-check-x");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.COURSE_INSTRUCTOR_PASSWORD).toBeUndefined();
    expect(env.COURSE_JUPYTER_TOKEN).toBeUndefined();
  });

  it("sets the course's Python for Spark's workers, this MLflow, the cluster and a scratch folder", () => {
    const env = helperEnv(request, "/tmp/spark-check-x");
    expect(env).toMatchObject({
      PATH: "/course/.venv/bin:/usr/bin",
      HOME: "/home/ada",
      SPARK_MASTER: "spark://cluster:7077",
      MLFLOW_TRACKING_URI: "http://127.0.0.1:5000",
      MLFLOW_TRACKING_TOKEN: "t",
      PYSPARK_PYTHON: "/course/.venv/bin/python",
      PYSPARK_DRIVER_PYTHON: "/course/.venv/bin/python",
      TMPDIR: "/tmp/spark-check-x",
      SPARK_LOCAL_DIRS: "/tmp/spark-check-x",
    });
    expect(env.MLFLOW_WORKSPACE).toBeUndefined(); // only the workspace being graded
    expect(helperEnv({ ...request, workspace: "ada" }, "/tmp/x").MLFLOW_WORKSPACE).toBe("ada");
  });
});

const FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
const DATAFRAME = {
  defined: true,
  functions: ["predict_label_with_mlflow_udf"],
  callable: true,
  signature: "(spark, df)",
  accepts_spark_and_df: true,
  result_type: "pyspark.sql.classic.dataframe.DataFrame",
  is_dataframe: true,
  columns: [...FEATURES, "predicted_label"],
  label_type: "bigint",
};
/** What python/expected_predictions.py answers for "iris" (three rows here). */
const REFERENCE: DatasetPredictions = {
  kind: "predictions",
  rows: [
    [5.1, 3.5, 1.4, 0.2],
    [7.0, 3.2, 4.7, 1.4],
    [6.3, 3.3, 6.0, 2.5],
  ],
  columns: FEATURES,
  predictions: [0, 1, 2],
};
const ROWS_RIGHT = [
  [5.1, 3.5, 1.4, 0.2, 0],
  [7.0, 3.2, 4.7, 1.4, 1],
  [6.3, 3.3, 6.0, 2.5, 2],
];
const ROWS_CONSTANT = ROWS_RIGHT.map((row) => [...row.slice(0, 4), 0]);
/** What a forger would add: the old answer's verdict fields. */
const CLAIMS = { input_rows: 3, rows: 3, agreeing: 3, values: [[0, 3]], distinct_values: 1, no_staging: undefined };

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const processResult = (answer: string, overrides: Partial<LearnerProcessResult> = {}): LearnerProcessResult => ({
  answer,
  answerOverflow: false,
  stderrTail: "",
  timedOut: false,
  gateFailed: false,
  exitCode: 0,
  signal: null,
  ...overrides,
});
const grade = (result: LearnerProcessResult, count = 1, reference: DatasetPredictions = REFERENCE) =>
  measureRuns(readAnswers(result, count, 120_000), reference);

describe("reading the learner process's answers", () => {
  it("measures the agreement from the rows, never from what the answer claims", () => {
    const [honest] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, result_rows: ROWS_RIGHT, row_count: 3 } })));
    expect(honest).toMatchObject({ kind: "finished", found: { inputRows: 3, rows: 3, agreeing: 3, distinctValues: 3 } });

    const [forged] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, ...CLAIMS, agreeing: 3, result_rows: ROWS_CONSTANT } })));
    expect(forged).toMatchObject({ kind: "finished", found: { inputRows: 3, rows: 3, agreeing: 1, distinctValues: 1, values: [[0, 3]] } });

    const [noRows] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, ...CLAIMS, result_rows: [] } })));
    expect(noRows).toMatchObject({ kind: "finished", found: { inputRows: 3, rows: 0, agreeing: 0 } });
  });

  it("the inputs count comes from the expected predictions, whatever the answer says", () => {
    const [run] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, input_rows: 1, result_rows: ROWS_RIGHT.slice(0, 1) } })));
    expect(run).toMatchObject({ found: { inputRows: 3, agreeing: 1 } });
  });

  it("no version in Staging comes from the expected predictions, and ends the answer there", () => {
    const noStaging: DatasetPredictions = { kind: "model_not_found", message: "No versions of model with name 'IrisModel' and stage 'Staging' found" };
    const [run] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, result_rows: ROWS_RIGHT } })), 1, noStaging);
    expect(run).toMatchObject({ kind: "finished", found: { noStaging: noStaging.message } });
    expect(run.found.agreeing).toBeUndefined();
    // A learner's answer cannot claim it either.
    const [claimed] = grade(processResult(line({ code: 0, found: { defined: false, functions: [], no_staging: "x" } })));
    expect(claimed.found.noStaging).toBeUndefined();
  });

  it("a second answer, a line that is not an answer or an answer out of turn make the piece of code unreadable", () => {
    const real = line({ code: 0, found: { ...DATAFRAME, result_rows: ROWS_RIGHT } });
    const cases = [
      [real + real, "its answer channel held more than one answer"],
      [`${JSON.stringify({ ...DATAFRAME, ...CLAIMS })}\n${real}`, "its answer channel held something that is not an answer (`{"],
      [`garbage\n${real}`, "its answer channel held something that is not an answer (`garbage`)"],
      [line({ code: 3, found: DATAFRAME }) + real, "its answer channel held an answer out of turn"],
      [line({ code: 0, found: DATAFRAME, agreeing: 3 }), "its answer channel held something that is not an answer"],
      [`${real}{"code": 0, "fo`, "its answer channel held something that is not an answer"],
    ] as const;
    for (const [answer, problem] of cases) {
      const [run] = grade(processResult(answer));
      expect(run.kind, answer).toBe("unreadable");
      expect(run.kind === "unreadable" && run.problem, answer).toContain(problem);
    }
    const [overflow] = grade(processResult(real, { answerOverflow: true }));
    expect(overflow).toMatchObject({ kind: "unreadable", problem: "more than 8 MB were written to its answer channel" });
  });

  it("an answer that stops short of what the helper always reports is unreadable, not a grader failure", () => {
    const short = [
      [{ defined: true }, "whether the function is callable"],
      [{ ...DATAFRAME, is_dataframe: undefined }, "what the function returned"],
      [{ ...DATAFRAME, columns: undefined }, "the returned DataFrame's columns"],
      [{ ...DATAFRAME, ...CLAIMS }, "the returned DataFrame's rows"],
      [{}, "whether the function is defined"],
    ] as const;
    for (const [found, missing] of short) {
      const [run] = grade(processResult(line({ code: 0, found })));
      expect(run).toEqual({ kind: "unreadable", problem: `its answer lacks ${missing}`, found: EMPTY_FINDINGS });
    }
  });

  it("in a batch, what is written during one piece of code is blamed on that one only", () => {
    const answer = (code: number) => line({ code, found: { ...DATAFRAME, result_rows: ROWS_RIGHT } });
    const runs = grade(processResult(answer(0) + "junk\n" + answer(1) + answer(2)), 3);
    expect(runs.map((run) => run.kind)).toEqual(["finished", "unreadable", "finished"]);
    const duplicate = grade(processResult(answer(0) + answer(1) + answer(0) + answer(2)), 3);
    expect(duplicate.map((run) => run.kind)).toEqual(["unreadable", "finished", "finished"]);
  });

  it("a stage line cannot carry a verdict into a stopped run", () => {
    const [run] = grade(
      processResult("", { timedOut: true, lastStage: { stage: "compute", found: { ...DATAFRAME, ...CLAIMS, result_rows: ROWS_RIGHT } } }),
    );
    expect(run).toMatchObject({ kind: "stopped", reason: "timeout", stage: "compute" });
    expect(run.found.agreeing).toBeUndefined();
    expect(run.found.columns).toEqual(DATAFRAME.columns);
  });

  it("a process that wrote a forged answer and ended is graded on that answer's rows", () => {
    const [run] = grade(processResult(line({ code: 0, found: { ...DATAFRAME, ...CLAIMS, result_rows: ROWS_CONSTANT } }), { exitCode: 0 }));
    expect(run).toMatchObject({ kind: "finished", found: { agreeing: 1 } });
  });

  it("the platform's failures are PlatformErrors; junk on the channel never throws anything else", () => {
    expect(() => readAnswers(processResult(line({ code: 0, error: { kind: "spark_failed", message: "Spark could not start" } })), 1, 1000)).toThrow(
      PlatformError,
    );
    expect(() => readAnswers(processResult("", { exitCode: 1, lastStage: { stage: "compile", found: {} } }), 1, 1000)).toThrow(PlatformError);
    const junk = ["\u0000\u0001", "[]", "null", '{"code": -1}', '{"code": 0}', '{"code": 0, "found": []}', '{"code": "0", "found": {}}', "9".repeat(400), "{".repeat(5000)];
    for (const text of junk) {
      const runs = grade(processResult(`${text}\n`));
      expect(runs[0].kind, text).toBe("unreadable");
    }
    for (const text of junk) {
      const stopped = grade(processResult("", { exitCode: 0, lastStage: { stage: "call", found: text } }));
      expect(stopped[0]).toMatchObject({ kind: "stopped", reason: "exited", stage: "call", found: EMPTY_FINDINGS });
    }
  });
});
