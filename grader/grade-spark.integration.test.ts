import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { evaluateSparkRun } from "./exercises/spark-integration";
import { grade, type GradeOptions } from "./grade";
import type { ExerciseReport } from "./report";
import { runSparkCheckBatch } from "./spark/run-spark-check";
import { expectStatuses } from "./testing/expect-report";
import { runFixtures } from "./testing/run-fixtures";
import { startSparkCluster, type SparkCluster } from "./testing/spark-cluster";

/**
 * spark-integration against a real MLflow and real PySpark: python/spark_check.py
 * runs the learner's function in a fresh Spark session (local[*]) and the grader
 * turns its findings into checks. First with no version of IrisModel in Staging,
 * then with the registry exercise's passing state. The mistakes that need Spark
 * run in one helper process (starting Spark costs seconds); the solution, a
 * forged answer and the endless loop go through grade(), one process each, as
 * in production. The learner's code runs in the process that reports on it, so
 * it can print or write anything there: the forgeries below must not pass.
 */

const projectRoot = path.resolve(import.meta.dirname, "..");
const SOLUTION = fs.readFileSync(path.join(projectRoot, "lessons", "solutions", "spark-integration", "predict-with-udf.py"), "utf8");
const LATER_CHECKS = ["features-kept", "predicted-label", "agrees-with-staging"];

const SYNTAX_ERROR = `import mlflow


def predict_label_with_mlflow_udf(spark, df)
    return df
`;

const UNCHANGED = `def predict_label_with_mlflow_udf(spark, df):
    return df
`;

const CONSTANT = `from pyspark.sql.functions import lit


def predict_label_with_mlflow_udf(spark, df):
    return df.withColumn("predicted_label", lit(0))
`;

const RAISES = `def scale(df):
    return 1 / 0


def predict_label_with_mlflow_udf(spark, df):
    factor = scale(df)
    return df
`;

/** The lesson's pitfall: a model without a signature, called on the columns one by one. */
const WITHOUT_STRUCT = `import mlflow


def predict_label_with_mlflow_udf(spark, df):
    predict = mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")
    return df.withColumn("predicted_label", predict(*df.columns))
`;

/** The old, trusted answer format, with a perfect agreement, wherever learner code can write it. */
const FAKE_OLD_ANSWER = {
  defined: true,
  functions: ["predict_label_with_mlflow_udf"],
  callable: true,
  signature: "(spark, df)",
  accepts_spark_and_df: true,
  result_type: "pyspark.sql.classic.dataframe.DataFrame",
  is_dataframe: true,
  columns: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)", "predicted_label"],
  label_type: "bigint",
  input_rows: 150,
  rows: 150,
  agreeing: 150,
  values: [[0, 50], [1, 50], [2, 50]],
  distinct_values: 3,
};

/** (a) Prints passing answers (old and new format, and a stage line) and returns df unchanged. */
const FORGED_PRINT = `import json
import sys

FAKE = json.loads(${JSON.stringify(JSON.stringify(FAKE_OLD_ANSWER))})


def predict_label_with_mlflow_udf(spark, df):
    print(json.dumps(FAKE))
    print(json.dumps({"code": 0, "found": FAKE}))
    print("SPARK_CHECK_STAGE " + json.dumps({"stage": "done", "found": FAKE}), file=sys.stderr)
    sys.stdout.flush()
    return df
`;

/** Writes the old answer to the answer channel itself, then returns df unchanged. */
const FORGED_CHANNEL_OLD = `import json
import os

FAKE = json.loads(${JSON.stringify(JSON.stringify(FAKE_OLD_ANSWER))})


def predict_label_with_mlflow_udf(spark, df):
    os.write(3, (json.dumps(FAKE) + "\\n").encode())
    return df
`;

/**
 * (b) Writes a perfectly formed answer to the answer channel, with the real iris rows
 * and claims of a perfect agreement, then ends the process before the helper answers.
 */
const FORGED_CHANNEL_EXIT = `import json
import os

FAKE = json.loads(${JSON.stringify(JSON.stringify(FAKE_OLD_ANSWER))})
FEATURES = FAKE["columns"][:4]


def predict_label_with_mlflow_udf(spark, df):
    rows = [[*row, 0] for row in df.select(*FEATURES).collect()]
    found = dict(FAKE, result_rows=rows, row_count=len(rows))
    os.write(3, (json.dumps({"code": 0, "found": found}) + "\\n").encode())
    os._exit(0)
`;

const ENDLESS = `def predict_label_with_mlflow_udf(spark, df):
    while True:
        pass
`;

let course: TempCourse;
let pythonBin: string;

beforeAll(async () => {
  course = await startTempCourse(["mlflow"]);
  pythonBin = path.join(course.config.python.bin, "python");
});

afterAll(async () => {
  await course?.stop();
});

const options = (overrides: Partial<GradeOptions> = {}): GradeOptions => ({
  mlflow: { baseUrl: course.config.mlflow.url },
  learner: "test",
  pythonBin,
  ...overrides,
});

/**
 * Processes of this test's Spark checks (the helper, Spark's JVM, its Python workers):
 * they alone have both this MLflow's URL and the helper's SPARK_LOCAL_DIRS in their environment.
 */
function sparkCheckProcesses(trackingUri = course.config.mlflow.url): { pid: number; command: string; scratch: string }[] {
  const found: { pid: number; command: string; scratch: string }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!environ.includes(`MLFLOW_TRACKING_URI=${trackingUri}`)) continue;
      const scratch = environ.find((v) => v.startsWith("SPARK_LOCAL_DIRS="))?.slice("SPARK_LOCAL_DIRS=".length);
      if (!scratch) continue;
      const state = fs.readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[0];
      if (state === "Z") continue; // exited, waiting for its parent to notice
      found.push({ pid: Number(entry), command: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").slice(0, 3).join(" "), scratch });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe("before any version of IrisModel is in Staging", () => {
  it("a syntax error names its line, and nothing is run", async () => {
    const report = await grade("spark-integration", options({ learnerCode: SYNTAX_ERROR }));
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["function-defined"], skipped: ["returns-dataframe", ...LATER_CHECKS] });
    expect(checks["function-defined"].message).toBe("syntax error on line 4: expected ':' (`def predict_label_with_mlflow_udf(spark, df)`); nothing was run");
    expect(report.durationMs).toBeLessThan(15_000); // no MLflow import, no Spark
  });

  it("no Staging version is its own failure: the function is defined but not run", async () => {
    const report = await grade("spark-integration", options({ learnerCode: SOLUTION }));
    const checks = expectStatuses(report, { failed: ["returns-dataframe"], skipped: LATER_CHECKS });
    expect(checks["returns-dataframe"].message).toMatch(
      /^no version of `IrisModel` is in stage `Staging`, so `models:\/IrisModel\/Staging` cannot be loaded and your function was not run \(MLflow: .+\); finish the model-registry exercise first$/,
    );
    expect(checks["returns-dataframe"].hint).toContain("finish the model-registry exercise first");
  });
});

describe("with MLflow down", () => {
  it("the expected predictions cannot be computed: an error, not the learner's failure, and the learner's process is stopped", async () => {
    const down = "http://127.0.0.1:9";
    const seen = new Set<string>();
    const watch = setInterval(() => sparkCheckProcesses(down).forEach((p) => seen.add(p.command)), 200);
    let report: ExerciseReport;
    try {
      report = await grade("spark-integration", { ...options({ learnerCode: SOLUTION }), mlflow: { baseUrl: down } });
    } finally {
      clearInterval(watch);
    }
    expect(report.status).toBe("error");
    expect(report.checks[0].status).toBe("error");
    expect(report.checks[0].message).toContain("MLflow at http://127.0.0.1:9 is not reachable from the course's Python");
    expect(report.durationMs).toBeLessThan(60_000);
    expect([...seen].some((c) => c.includes("spark_check.py"))).toBe(true); // it was running
    expect(sparkCheckProcesses(down)).toEqual([]);
  });
});

describe("with IrisModel version 1 in Staging", () => {
  beforeAll(async () => {
    await runFixtures(pythonBin, course.config.mlflow.url, ["model_registry_pass.py"]);
  });

  it("the lesson's solution passes, agreeing on every row", async () => {
    const report = await grade("spark-integration", options({ learnerCode: SOLUTION }));
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["function-defined"].message).toBe("`predict_label_with_mlflow_udf(spark, df)` is defined");
    expect(checks["predicted-label"].message).toBe("column `predicted_label` is there (type `bigint`)");
    expect(checks["agrees-with-staging"].message).toBe("agreement 100.0% (150 of 150 rows) with `models:/IrisModel/Staging` (version 1)");
    expect(checks["agrees-with-staging"].link).toBe("/mlflow/#/models/IrisModel/versions/1");
  });

  it("mistakes: unchanged input, a constant, an exception, no struct(...); forged answers do not pass", async () => {
    const runs = await runSparkCheckBatch({
      pythonBin,
      trackingUri: course.config.mlflow.url,
      codes: [UNCHANGED, CONSTANT, RAISES, WITHOUT_STRUCT, FORGED_PRINT, FORGED_CHANNEL_OLD],
      timeoutMs: 170_000,
    });
    const report = async (index: number): Promise<ExerciseReport> => {
      const checks = await evaluateSparkRun(runs[index], { stagedVersion: "1" });
      return { exercise: "spark-integration", learner: "test", startedAt: "", durationMs: 0, status: "failed", checks };
    };

    const unchanged = expectStatuses(await report(0), { failed: ["predicted-label"], skipped: ["agrees-with-staging"] });
    expect(unchanged["predicted-label"].message).toBe(
      "no column `predicted_label`; the result has only the columns of `df` (`sepal length (cm)`, `sepal width (cm)`, `petal length (cm)` and `petal width (cm)`)",
    );

    const constant = expectStatuses(await report(1), { failed: ["agrees-with-staging"] });
    expect(constant["agrees-with-staging"].message).toBe("agreement 33.3% (50 of 150 rows), expected at least 85%; `predicted_label` is `0` on every row");
    expect(constant["agrees-with-staging"].hint).toContain("Every row got the same label");

    const raises = expectStatuses(await report(2), { failed: ["returns-dataframe"], skipped: LATER_CHECKS });
    const message = raises["returns-dataframe"].message;
    expect(message).toMatch(/^`predict_label_with_mlflow_udf\(spark, df\)` raised `ZeroDivisionError`:\nTraceback \(most recent call last\):\n/);
    expect(message).toMatch(/ {2}File "\.\.\.\/snippet-3\.py", line 6, in predict_label_with_mlflow_udf\n {4}factor = scale\(df\)\n/);
    expect(message).toMatch(/ {2}File "\.\.\.\/snippet-3\.py", line 2, in scale\n {4}return 1 \/ 0\nZeroDivisionError: division by zero$/);
    expect(message).not.toContain("spark_check.py"); // the grader's own frames are trimmed
    expect(message).not.toContain("/tmp/");

    const withoutStruct = expectStatuses(await report(3), { failed: ["agrees-with-staging"] });
    expect(withoutStruct["agrees-with-staging"].message).toMatch(
      /^Spark could not compute `predicted_label`: `ValueError`:\n(.|\n)*The feature names should match those that were passed during fit/,
    );
    expect(withoutStruct["agrees-with-staging"].message).not.toMatch(/JVM stacktrace|at org\.apache/);
    expect(withoutStruct["agrees-with-staging"].hint).toBe(
      "Spark raised the error while computing the column, in the UDF: the model did not accept the columns it was given, or not the way it was given them.",
    );

    // (a) Printed answers are the learner's output, not the answer: graded as the unchanged df it returned.
    const printed = expectStatuses(await report(4), { failed: ["predicted-label"], skipped: ["agrees-with-staging"] });
    expect(printed["predicted-label"].message).toBe(unchanged["predicted-label"].message);

    // An answer written on the answer channel next to the helper's own: unreadable, the learner's failure.
    const written = expectStatuses(await report(5), { failed: ["function-defined"], skipped: ["returns-dataframe", ...LATER_CHECKS] });
    expect(written["function-defined"].message).toMatch(
      /^the check could not read what your code did: its answer channel held something that is not an answer \(`\{"defined": true, .+…`\)\. The Python process that runs your code reports to the grader on its own channel \(file descriptor 3\); your code must not write to it, close it or end the process$/,
    );
    expect(written["function-defined"].hint).toContain("answer channel");
  });

  it("(b) a well-formed forged answer followed by os._exit is graded on its rows, which do not agree", async () => {
    const report = await grade("spark-integration", options({ learnerCode: FORGED_CHANNEL_EXIT }));
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["agrees-with-staging"] });
    // Its claimed `agreeing: 150` is ignored: the grader measures the rows it gave against MLflow's predictions.
    expect(checks["agrees-with-staging"].message).toBe("agreement 33.3% (50 of 150 rows), expected at least 85%; `predicted_label` is `0` on every row");
  });

  it("an endless loop is stopped at the time limit, and Spark's JVM goes with it", async () => {
    const seen = new Map<number, { command: string; scratch: string }>();
    const watch = setInterval(() => {
      for (const process of sparkCheckProcesses()) seen.set(process.pid, process);
    }, 500);
    let report: ExerciseReport;
    try {
      report = await grade("spark-integration", options({ learnerCode: ENDLESS, sparkTimeoutMs: 20_000 }));
    } finally {
      clearInterval(watch);
    }
    expect(report.status).toBe("failed"); // the learner's loop, not a platform error
    const checks = expectStatuses(report, { failed: ["returns-dataframe"], skipped: LATER_CHECKS });
    expect(checks["returns-dataframe"].message).toBe("stopped after 20 s: `predict_label_with_mlflow_udf(spark, df)` had not returned (an endless loop?)");
    expect(report.durationMs).toBeLessThan(30_000);

    // Spark was up when the loop ran (its JVM was seen), and nothing of it is left.
    const commands = [...seen.values()].map((p) => p.command);
    expect(commands.some((c) => c.includes("spark_check.py"))).toBe(true);
    expect(commands.some((c) => /\bjava\b/.test(c))).toBe(true);
    expect(sparkCheckProcesses()).toEqual([]);
    // The helper's scratch folder (Spark's local dirs, temporary files) is removed.
    for (const scratch of new Set([...seen.values()].map((p) => p.scratch))) expect(fs.existsSync(scratch)).toBe(false);
  });
});

describe("on a Spark standalone cluster (SPARK_MASTER=spark://...)", () => {
  let cluster: SparkCluster;
  beforeAll(async () => {
    // A master and a worker started from the PySpark distribution, as a cluster's own would be.
    cluster = await startSparkCluster(pythonBin);
    await runFixtures(pythonBin, course.config.mlflow.url, ["model_registry_pass.py"]);
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("grades the lesson's solution with its Spark work done by the cluster's executors", { timeout: 240_000 }, async () => {
    const before = (await cluster.status()).completedapps.length;
    const previous = process.env.SPARK_MASTER;
    process.env.SPARK_MASTER = cluster.masterUrl;
    let report: ExerciseReport;
    try {
      report = await grade("spark-integration", options({ learnerCode: SOLUTION, sparkTimeoutMs: 200_000 }));
    } finally {
      if (previous === undefined) delete process.env.SPARK_MASTER;
      else process.env.SPARK_MASTER = previous;
    }
    expect(report.status, JSON.stringify(report.checks)).toBe("passed");
    expect(expectStatuses(report, {})["agrees-with-staging"].message).toMatch(/^agreement 100\.0% \(150 of 150 rows\)/);
    // The check ran as an application of the cluster, and has finished there.
    const status = await cluster.status();
    expect(status.completedapps.length).toBe(before + 1);
    expect(status.completedapps.at(-1)?.name).toBe("mlflow-training-check");
  });
});

