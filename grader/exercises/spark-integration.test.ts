import { describe, expect, it } from "vitest";
import { grade } from "../grade";
import { EMPTY_FINDINGS, sparkFindingsSchema, type SparkCheckRun } from "../spark/spark-findings";
import { evaluateSparkRun, sparkIntegration, sparkMessages } from "./spark-integration";

/**
 * The spark-integration checks on findings shaped like python/spark_check.py's
 * answers, for outcomes that are slow or awkward to produce with real Spark.
 * The real helper, Spark and MLflow are exercised by grade-spark.integration.test.ts.
 */

const FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
const DEFINED = { defined: true, functions: ["predict_label_with_mlflow_udf"], callable: true, signature: "(spark, df)", accepts_spark_and_df: true };
const DATAFRAME = { ...DEFINED, result_type: "pyspark.sql.classic.dataframe.DataFrame", is_dataframe: true };

const finished = (found: Record<string, unknown>): SparkCheckRun => ({ kind: "finished", found: sparkFindingsSchema.parse(found) });
const statuses = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));
const byId = <T extends { id: string }>(checks: T[]) => Object.fromEntries(checks.map((c) => [c.id, c])) as Record<string, T>;

describe("spark-integration checks", () => {
  it("are in lesson order with three hint tiers each", () => {
    expect(sparkIntegration.checks.map((c) => c.id)).toEqual([
      "function-defined",
      "returns-dataframe",
      "features-kept",
      "predicted-label",
      "agrees-with-staging",
    ]);
    for (const check of sparkIntegration.checks) for (const tiers of Object.values(check.hints)) expect(tiers).toHaveLength(3);
  });

  it("without the learner's code, the first check says to run the cell or pass --file, and nothing starts", async () => {
    const report = await grade("spark-integration", { mlflow: { baseUrl: "http://mlflow.test" }, learner: "ada" });
    expect(report.status).toBe("failed");
    expect(statuses(report.checks)).toEqual({
      "function-defined": "failed",
      "returns-dataframe": "skipped",
      "features-kept": "skipped",
      "predicted-label": "skipped",
      "agrees-with-staging": "skipped",
    });
    expect(report.checks[0].message).toContain("run the exercise cell `predict-with-udf`");
    expect(report.checks[0].message).toContain("`npm run check -- spark-integration --file path/to/code.py`");
    expect(report.checks[0].hint).toBe("Write your function in the exercise cell of the lesson and run the cell: the check grades the code of that cell.");
  });

  it("a passing run reports the measured agreement and links the staged version", async () => {
    const checks = byId(
      await evaluateSparkRun(
        finished({ ...DATAFRAME, columns: [...FEATURES, "predicted_label"], label_type: "bigint", input_rows: 150, rows: 150, agreeing: 150, values: [[1, 51], [0, 50], [2, 49]], distinct_values: 3 }),
        { stagedVersion: "3" },
      ),
    );
    expect(Object.values(checks).every((c) => c.status === "passed")).toBe(true);
    expect(checks["function-defined"].message).toBe("`predict_label_with_mlflow_udf(spark, df)` is defined");
    expect(checks["predicted-label"].message).toBe("column `predicted_label` is there (type `bigint`)");
    expect(checks["agrees-with-staging"].message).toBe("agreement 100.0% (150 of 150 rows) with `models:/IrisModel/Staging` (version 3)");
    expect(checks["agrees-with-staging"].link).toBe("/mlflow/#/models/IrisModel/versions/3");
  });

  it("just under the threshold never reads as 85%", async () => {
    const checks = byId(
      await evaluateSparkRun(finished({ ...DATAFRAME, columns: [...FEATURES, "predicted_label"], input_rows: 150, rows: 150, agreeing: 127, values: [[1, 60], [0, 50], [2, 40]], distinct_values: 3 })),
    );
    expect(checks["agrees-with-staging"].status).toBe("failed");
    expect(checks["agrees-with-staging"].message).toBe(
      "agreement 84.6% (127 of 150 rows), expected at least 85%; most common `predicted_label` values: `1` (60 rows), `0` (50 rows), `2` (40 rows)",
    );
  });

  it("names the line of a syntax error and the names of a near miss", async () => {
    const syntax = await evaluateSparkRun(finished({ syntax_error: { line: 4, column: 45, message: "expected ':'", text: "def predict_label_with_mlflow_udf(spark, df)" } }));
    expect(syntax[0].message).toBe("syntax error on line 4: expected ':' (`def predict_label_with_mlflow_udf(spark, df)`); nothing was run");
    expect(syntax[0].hint).toContain("Python could not read the code");

    const near = await evaluateSparkRun(finished({ defined: false, functions: ["predict_label_with_MLflow_udf", "helper"] }));
    expect(near[0].message).toBe("no function named `predict_label_with_mlflow_udf`; found `predict_label_with_MLflow_udf`, which differs only in spelling");
    const other = await evaluateSparkRun(finished({ defined: false, functions: [] }));
    expect(other[0].message).toBe("no function named `predict_label_with_mlflow_udf`; the code defines no function");

    const signature = await evaluateSparkRun(finished({ ...DEFINED, signature: "(df)", accepts_spark_and_df: false }));
    expect(signature[0].message).toBe(
      "`predict_label_with_mlflow_udf(df)` cannot be called as `predict_label_with_mlflow_udf(spark, df)`: it must take the Spark session and the DataFrame",
    );
  });

  it("a name from the lesson's other cells gets the run-on-its-own explanation", async () => {
    const traceback = "Traceback (most recent call last):\n  File \"<your code>\", line 6, in predict_label_with_mlflow_udf\n    return df.withColumn(\"predicted_label\", iris_model_udf(struct(*FEATURES)))\nNameError: name 'iris_model_udf' is not defined";
    const checks = byId(await evaluateSparkRun(finished({ ...DEFINED, exception: { stage: "call", type: "NameError", message: "name 'iris_model_udf' is not defined", traceback } })));
    expect(checks["returns-dataframe"].status).toBe("failed");
    expect(checks["returns-dataframe"].message).toBe(
      `\`predict_label_with_mlflow_udf(spark, df)\` raised \`NameError\`:\n${traceback} The check runs your cell on its own, in a fresh Spark session: \`iris_model_udf\` from other cells of the lesson does not exist there. Import or create it inside the cell.`,
    );
    expect(checks["returns-dataframe"].hint).toContain("runs your cell on its own");
    expect(checks["features-kept"].status).toBe("skipped");
  });

  it("reads as a sentence when the helper could not name the type it found", () => {
    expect(sparkMessages.notCallable(undefined)).toBe("`predict_label_with_mlflow_udf` is defined, but it is not a function");
    expect(sparkMessages.notCallable("builtins.int")).toBe("`predict_label_with_mlflow_udf` is a `builtins.int`, not a function");
    expect(sparkMessages.notDataFrame(undefined)).toBe("`predict_label_with_mlflow_udf(spark, df)` returned something that is not a DataFrame; expected a Spark DataFrame");
  });

  it("tells None and pandas apart from a Spark DataFrame", async () => {
    const none = byId(await evaluateSparkRun(finished({ ...DEFINED, result_type: "builtins.NoneType", is_dataframe: false })));
    expect(none["returns-dataframe"].message).toBe("`predict_label_with_mlflow_udf(spark, df)` returned `None`, expected a Spark DataFrame; is a `return` missing?");
    const pandas = byId(await evaluateSparkRun(finished({ ...DEFINED, result_type: "pandas.DataFrame", is_dataframe: false }), { attempt: 2 }));
    expect(pandas["returns-dataframe"].message).toBe("`predict_label_with_mlflow_udf(spark, df)` returned a pandas `DataFrame`, expected a Spark DataFrame");
    expect(pandas["returns-dataframe"].hint).toContain("toPandas()");
  });

  it("dropped features and a misnamed label column are separate failures", async () => {
    const checks = byId(await evaluateSparkRun(finished({ ...DATAFRAME, columns: ["petal length (cm)", "prediction"] })));
    expect(checks["features-kept"].message).toBe(
      "the result lacks the feature columns `sepal length (cm)`, `sepal width (cm)` and `petal width (cm)`; it has `petal length (cm)` and `prediction`. Keep the columns of `df` and add one",
    );
    expect(checks["predicted-label"].message).toBe("no column `predicted_label`; the function added `prediction` instead");
    expect(checks["agrees-with-staging"].status).toBe("skipped");
  });

  it("an error while Spark computes the column points at struct(...) when the model refused the column names", async () => {
    const message = "The feature names should match those that were passed during fit.\nFeature names unseen at fit time:\n- 0";
    const checks = byId(
      await evaluateSparkRun(
        finished({ ...DATAFRAME, columns: [...FEATURES, "predicted_label"], exception: { stage: "compute", type: "ValueError", message, traceback: `ValueError: ${message}` } }),
        { attempt: 3 },
      ),
    );
    expect(checks["agrees-with-staging"].message).toBe(`Spark could not compute \`predicted_label\`: \`ValueError\`:\nValueError: ${message}`);
    expect(checks["agrees-with-staging"].hint).toBe("Call the UDF as `predict(struct(*df.columns))`, not `predict(*df.columns)`.");
  });

  it("no Staging version is its own failure, before the learner's function runs", async () => {
    const checks = byId(await evaluateSparkRun(finished({ ...DEFINED, no_staging: "No versions of model with name 'IrisModel' and stage 'Staging' found" })));
    expect(checks["function-defined"].status).toBe("passed");
    expect(checks["returns-dataframe"].message).toBe(
      "no version of `IrisModel` is in stage `Staging`, so `models:/IrisModel/Staging` cannot be loaded and your function was not run (MLflow: No versions of model with name 'IrisModel' and stage 'Staging' found); finish the model-registry exercise first",
    );
    expect(checks["returns-dataframe"].link).toBe("/mlflow/#/models");
    expect(checks["agrees-with-staging"].status).toBe("skipped");
  });

  it("an answer only the learner's code could have garbled fails the first check, as the learner's", async () => {
    const checks = byId(await evaluateSparkRun({ kind: "unreadable", problem: "its answer channel held more than one answer", found: EMPTY_FINDINGS }));
    expect(statuses(Object.values(checks))).toEqual({
      "function-defined": "failed",
      "returns-dataframe": "skipped",
      "features-kept": "skipped",
      "predicted-label": "skipped",
      "agrees-with-staging": "skipped",
    });
    expect(checks["function-defined"].message).toBe(
      "the check could not read what your code did: its answer channel held more than one answer. The Python process that runs your code reports to the grader on its own channel (file descriptor 3); your code must not write to it, close it or end the process",
    );
    expect(checks["function-defined"].hint).toContain("answer channel");
  });

  it("a time limit hit in the learner's code fails the check it was in; in Spark's start it is the platform's", async () => {
    const stopped = (stage: string, found: Record<string, unknown>): SparkCheckRun => ({
      kind: "stopped",
      reason: "timeout",
      stage: stage as "call",
      found: sparkFindingsSchema.parse(found),
      timeoutMs: 120_000,
    });
    const inCall = byId(await evaluateSparkRun(stopped("call", DEFINED)));
    expect(inCall["function-defined"].status).toBe("passed");
    expect(inCall["returns-dataframe"].status).toBe("failed");
    expect(inCall["returns-dataframe"].message).toBe("stopped after 120 s: `predict_label_with_mlflow_udf(spark, df)` had not returned (an endless loop?)");

    const inCompute = byId(await evaluateSparkRun(stopped("compute", { ...DATAFRAME, columns: [...FEATURES, "predicted_label"] })));
    expect(statuses(Object.values(inCompute))).toMatchObject({ "predicted-label": "passed", "agrees-with-staging": "failed" });
    expect(inCompute["agrees-with-staging"].message).toContain("stopped after 120 s: Spark was still computing `predicted_label`");

    const inStart = await evaluateSparkRun(stopped("start_spark", DEFINED));
    expect(statuses(inStart)).toMatchObject({ "function-defined": "passed", "returns-dataframe": "error", "features-kept": "skipped" });
    expect(inStart[1].message).toContain("Spark was still starting");
    expect(inStart[1].message).toContain("not with your work");

    const exited = byId(
      await evaluateSparkRun({ kind: "stopped", reason: "exited", stage: "call", found: sparkFindingsSchema.parse(DEFINED), exit: "exit code 3" }),
    );
    expect(exited["returns-dataframe"].message).toBe(
      "the Python process running your code ended without an answer (exit code 3): `predict_label_with_mlflow_udf(spark, df)` had not returned",
    );

    const beforePython = await evaluateSparkRun({ kind: "stopped", reason: "timeout", stage: "start", found: EMPTY_FINDINGS, timeoutMs: 120_000 });
    expect(beforePython[0].status).toBe("error");
  });
});
