import type { CheckSpec, Outcome } from "../checks/check-spec";
import { failed, passed } from "../checks/check-spec";
import { code, isNearMiss, listCodes } from "../checks/format-names";
import { once } from "../checks/once";
import { runChecks } from "../checks/run-checks";
import { createLinks, type Links } from "../links";
import { PlatformError } from "../platform-error";
import type { CheckResult } from "../report";
import { IRIS_COLUMNS } from "../serving/iris-rows";
import { runSparkCheck } from "../spark/run-spark-check";
import type { LearnerException, SparkCheckRun, SparkFindings, SparkStage } from "../spark/spark-findings";
import { defineExercise, type GradingContext } from "./exercise";
import { MODEL_NAME, STAGE } from "./model-registry";

/**
 * The Spark exercise: the learner writes `predict_label_with_mlflow_udf(spark, df)`,
 * which must return `df` with a `predicted_label` column computed by a Spark
 * UDF made from `models:/IrisModel/Staging`. The grader runs the code in a
 * fresh Spark session in its own process (python/spark_check.py), on the iris
 * data with its four feature columns, and compares the labels it returned with
 * what the Staging model itself predicts, computed in another process that runs
 * no learner code (see grader/spark/run-spark-check.ts).
 */
export const FUNCTION_NAME = "predict_label_with_mlflow_udf";
export const LABEL_COLUMN = "predicted_label";
export const FEATURE_COLUMNS = IRIS_COLUMNS;
export const MODEL_URI = `models:/${MODEL_NAME}/${STAGE}`;
/** The tutorial's threshold. */
export const MIN_AGREEMENT = 0.85;
/** Where the learner writes the code, in the app. */
export const EXERCISE_CELL = { lesson: "spark-integration", cell: "predict-with-udf" } as const;

/** Nothing to grade (the learner has not run the cell yet), or what the helper made of the code. */
export type SparkRunOutcome = { kind: "no_code" } | SparkCheckRun;

type SparkState = {
  links: Links;
  run: () => Promise<SparkRunOutcome>;
  /** The version in Staging, for links and messages; undefined when unknown. */
  stagedVersion: () => Promise<string | undefined>;
};

function createState(context: GradingContext): SparkState {
  return {
    links: context.links,
    run: once(async (): Promise<SparkRunOutcome> => {
      if (context.learnerCode === undefined || !context.learnerCode.trim()) return { kind: "no_code" };
      if (!context.pythonBin) throw new PlatformError("the grader has no Python configured to run Spark with");
      return runSparkCheck({
        pythonBin: context.pythonBin,
        trackingUri: context.client.baseUrl,
        workspace: context.client.workspace,
        code: context.learnerCode,
        modelUri: MODEL_URI,
        timeoutMs: context.sparkTimeoutMs,
        launcher: context.launcher,
      });
    }),
    stagedVersion: once(async () => {
      try {
        const model = await context.client.getRegisteredModel(MODEL_NAME);
        return model?.latest_versions.find((v) => v.current_stage === STAGE)?.version;
      } catch {
        return undefined; // only for a link; the expected-predictions helper reports MLflow being down
      }
    }),
  };
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const call = code(`${FUNCTION_NAME}(spark, df)`);

/** 84.67% shows as 84.6%, so that a miss never reads as "85.0%". */
function percent(share: number): string {
  return `${(Math.floor(share * 1000 + 1e-9) / 10).toFixed(1)}%`;
}

function showValue(value: unknown): string {
  return code(JSON.stringify(value) ?? String(value));
}

export const sparkMessages = {
  noCode: () =>
    `no code to check: run the exercise cell ${code(EXERCISE_CELL.cell)} in the lesson (it saves your code), ` +
    `or from a terminal pass the file that defines ${code(FUNCTION_NAME)}: ${code(`npm run check -- spark-integration --file path/to/code.py`)}`,
  syntaxError: (error: NonNullable<SparkFindings["syntaxError"]>) => {
    const where = error.line !== null ? `syntax error on line ${error.line}` : "syntax error";
    return `${where}: ${error.message}${error.text ? ` (${code(error.text)})` : ""}; nothing was run`;
  },
  raised: (what: string, error: LearnerException) => `${what} raised ${code(`${error.type}`)}:\n${error.traceback}`,
  notSelfContained: (name: string) =>
    ` The check runs your cell on its own, in a fresh Spark session: ${code(name)} from other cells of the lesson does not exist there. Import or create it inside the cell.`,
  notDefined: (functions: string[]) => {
    const near = functions.filter((name) => isNearMiss(FUNCTION_NAME, name) || name.toLowerCase() === FUNCTION_NAME.toLowerCase());
    if (near.length > 0) return `no function named ${code(FUNCTION_NAME)}; found ${listCodes(near)}, which differs only in spelling`;
    if (functions.length > 0) return `no function named ${code(FUNCTION_NAME)}; the code defines ${listCodes(functions)}`;
    return `no function named ${code(FUNCTION_NAME)}; the code defines no function`;
  },
  notCallable: (type: string | undefined) => `${code(FUNCTION_NAME)} is ${type ? `a ${code(type)}` : "not a function"}, not a function`,
  wrongSignature: (signature: string | undefined) =>
    `${code(`${FUNCTION_NAME}${signature ?? "(...)"}`)} cannot be called as ${call}: it must take the Spark session and the DataFrame`,
  defined: (signature: string | undefined) => `${code(`${FUNCTION_NAME}${signature ?? "(spark, df)"}`)} is defined`,
  stopped: (run: Extract<SparkCheckRun, { kind: "stopped" }>, what: string, suspect?: string) =>
    run.reason === "timeout"
      ? `stopped after ${seconds(run.timeoutMs)}: ${what}${suspect ? ` (${suspect})` : ""}`
      : `the Python process running your code ended without an answer (${run.exit}): ${what}`,
  unreadable: (problem: string) =>
    `the check could not read what your code did: ${problem}. The Python process that runs your code reports to the grader on its own channel ` +
    `(file descriptor 3); your code must not write to it, close it or end the process`,
  noStaging: (detail: string) =>
    `no version of ${code(MODEL_NAME)} is in stage ${code(STAGE)}, so ${code(MODEL_URI)} cannot be loaded and your function was not run ` +
    `(MLflow: ${detail}); finish the model-registry exercise first`,
  notDataFrame: (type: string | undefined) => {
    if (type === "builtins.NoneType") return `${call} returned ${code("None")}, expected a Spark DataFrame; is a ${code("return")} missing?`;
    if (type?.startsWith("pandas.")) return `${call} returned a pandas ${code(type.split(".").at(-1) ?? type)}, expected a Spark DataFrame`;
    return `${call} returned a ${code(type ?? "value that is not a DataFrame")}, expected a Spark DataFrame`;
  },
  isDataFrame: (columns: string[]) => `${call} returned a Spark DataFrame with columns ${listCodes(columns, 6)}`,
  featuresMissing: (missing: string[], columns: string[]) =>
    `the result lacks the feature ${missing.length === 1 ? "column" : "columns"} ${listCodes(missing)}; it has ${columns.length > 0 ? listCodes(columns, 6) : "no columns"}. Keep the columns of ${code("df")} and add one`,
  featuresKept: () => `the four feature columns of ${code("df")} are kept`,
  noLabel: (columns: string[], added: string[]) => {
    if (added.length > 0) return `no column ${code(LABEL_COLUMN)}; the function added ${listCodes(added)} instead`;
    return `no column ${code(LABEL_COLUMN)}; the result has only the columns of ${code("df")} (${listCodes(columns, 6)})`;
  },
  label: (type: string | undefined) => `column ${code(LABEL_COLUMN)} is there${type ? ` (type ${code(type)})` : ""}`,
  computeRaised: (error: LearnerException) => `Spark could not compute ${code(LABEL_COLUMN)}: ${code(error.type)}:\n${error.traceback}`,
  agreement: (found: { agreeing: number; inputRows: number }) =>
    `agreement ${percent(found.agreeing / found.inputRows)} (${found.agreeing} of ${found.inputRows} rows)`,
  disagreement: (found: SparkFindings & { agreeing: number; inputRows: number }) => {
    const parts = [`${sparkMessages.agreement(found)}, expected at least ${MIN_AGREEMENT * 100}%`];
    const values = found.values ?? [];
    if (found.distinctValues === 1 && values.length === 1) parts.push(`${code(LABEL_COLUMN)} is ${showValue(values[0][0])} on every row`);
    else if (values.length > 0) parts.push(`most common ${code(LABEL_COLUMN)} values: ${values.map(([v, n]) => `${showValue(v)} (${n} rows)`).join(", ")}`);
    if (found.rows !== undefined && found.rows !== found.inputRows) parts.push(`the result has ${found.rows} rows, ${code("df")} had ${found.inputRows}`);
    return parts.join("; ");
  },
  agrees: (found: { agreeing: number; inputRows: number }, version: string | undefined) =>
    `${sparkMessages.agreement(found)} with ${code(MODEL_URI)}${version ? ` (version ${version})` : ""}`,
};

/** A name the learner's code used from the lesson's other cells (or forgot to import). */
function missingName(error: LearnerException): string | undefined {
  if (error.type !== "NameError") return undefined;
  return /name '([^']+)' is not defined/.exec(error.message)?.[1];
}

function raisedOutcome(what: string, error: LearnerException): Outcome {
  const name = missingName(error);
  if (name) return failed(sparkMessages.raised(what, error) + sparkMessages.notSelfContained(name), { hintKind: "notSelfContained" });
  return failed(sparkMessages.raised(what, error), { hintKind: "raised" });
}

/** Stages whose time is the platform's (Python, MLflow and Spark starting), not the learner's code. */
const PLATFORM_STAGES: ReadonlySet<SparkStage | "start"> = new Set(["start", "compile", "load_model", "start_spark", "done"]);

const STAGE_DOING: Record<SparkStage | "start", string> = {
  start: "Python had not started",
  compile: "Python was starting",
  define: "your cell's top-level code was still running",
  load_model: `MLflow was still loading ${code(MODEL_URI)}`,
  start_spark: "Spark was still starting",
  call: `${call} had not returned`,
  inspect: "Spark was still reading the columns of the returned DataFrame",
  compute: `Spark was still computing ${code(LABEL_COLUMN)} for the iris rows`,
  done: "Spark was stopping",
};

/**
 * A finding this check needs is missing: the helper was stopped (time limit)
 * or ended while it was getting there. During the learner's code that is the
 * learner's failure; while Python, MLflow or Spark started, the platform's.
 */
function notReached(run: SparkRunOutcome, what: string): Outcome {
  if (run.kind !== "stopped") throw new Error(`the Spark check helper's answer lacks ${what}`);
  const suspect = run.stage === "compute" ? "an endless loop in a UDF?" : run.stage === "define" || run.stage === "call" ? "an endless loop?" : undefined;
  const message = sparkMessages.stopped(run, STAGE_DOING[run.stage], suspect);
  if (PLATFORM_STAGES.has(run.stage)) {
    throw new PlatformError(run.reason === "timeout" ? `the Spark check was ${message}` : message);
  }
  return failed(message, { hintKind: run.reason === "timeout" ? "stopped" : undefined });
}

const findingsOf = (run: SparkRunOutcome): SparkFindings | undefined => (run.kind === "no_code" ? undefined : run.found);

const STOPPED_HINTS = [
  "The check stops code that runs too long. Look for a loop that never ends, or for work much bigger than 150 rows.",
  "Run the cell in the lesson and watch how long it takes; the check runs the same code in a fresh Spark session with a time limit.",
  "Keep the function to one `spark_udf` call and one `withColumn`, with no loop: creating the UDF and scoring 150 rows takes seconds.",
] as const;

const SELF_CONTAINED_HINTS = [
  "The check runs your cell on its own, in a fresh Spark session and Python process: names defined in other cells of the lesson are not there.",
  "Import what the function uses (`mlflow`, `struct` from `pyspark.sql.functions`) in the cell, and create the UDF inside the function from the `spark` it receives.",
  'Start the cell with `import mlflow` and `from pyspark.sql.functions import struct`, and build the UDF in the function: `mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", ...)`.',
] as const;

export const sparkIntegrationChecks: readonly CheckSpec<SparkState>[] = [
  {
    id: "function-defined",
    title: "`predict_label_with_mlflow_udf(spark, df)` is defined and callable",
    hints: {
      default: [
        "The cell must define a function with exactly the name the exercise gives, taking the Spark session and the DataFrame.",
        "Define it with `def predict_label_with_mlflow_udf(spark, df):` at the top level of the cell (not inside another function or an `if`).",
        "Keep the starter's first line, `def predict_label_with_mlflow_udf(spark, df):`, and fill in its body.",
      ],
      noCode: [
        "Write your function in the exercise cell of the lesson and run the cell: the check grades the code of that cell.",
        "The check reads the cell's saved code; running it (Shift+Enter) saves it. From a terminal, `npm run check -- spark-integration --file <file>` grades a file instead.",
        "Run the cell `predict-with-udf` once, then press Check again.",
      ],
      syntax: [
        "Python could not read the code: look at the line the message names, and the one before it.",
        "Common causes: a missing `:` after `def ...(...)`, an unclosed parenthesis or quote, or mixed indentation.",
        "Compare the line with the starter: `def predict_label_with_mlflow_udf(spark, df):` ends with a colon, and the body is indented by four spaces.",
      ],
      signature: [
        "The check calls your function with two arguments, the Spark session and the DataFrame, in that order.",
        "Its parameters must be `(spark, df)`; extra parameters need default values.",
        "Write the first line as `def predict_label_with_mlflow_udf(spark, df):`.",
      ],
      raised: [
        "The cell's own code (outside the function) failed before the function could be checked: read the traceback.",
        "Keep the cell to imports and the function; code that uses the lesson's data belongs in the next cell.",
        "Leave only `import ...` lines and `def predict_label_with_mlflow_udf(spark, df): ...` in the cell.",
      ],
      notSelfContained: SELF_CONTAINED_HINTS,
      stopped: STOPPED_HINTS,
      unreadable: [
        "The check runs your function and reads what it returned from the Python process running it; your code wrote to that process's answer channel, or ended the process.",
        "Remove any `os.write`, `os.close`, `os._exit` or `sys.exit` from the cell: printing is fine, the check reads the DataFrame your function returns.",
        'Keep the cell to the imports and `def predict_label_with_mlflow_udf(spark, df):`, ending with `return df.withColumn("predicted_label", ...)`.',
      ],
    },
    async evaluate(state) {
      const run = await state.run();
      if (run.kind === "no_code") return failed(sparkMessages.noCode(), { hintKind: "noCode" });
      if (run.kind === "unreadable") return failed(sparkMessages.unreadable(run.problem), { hintKind: "unreadable" });
      const found = run.found;
      if (found.syntaxError) return failed(sparkMessages.syntaxError(found.syntaxError), { hintKind: "syntax" });
      if (found.exception?.stage === "define") return raisedOutcome("the cell's top-level code", found.exception);
      if (found.defined === undefined) return notReached(run, "whether the function is defined");
      if (!found.defined) return failed(sparkMessages.notDefined(found.functions ?? []));
      if (found.callable === false) return failed(sparkMessages.notCallable(found.foundType));
      if (found.acceptsSparkAndDf === false) return failed(sparkMessages.wrongSignature(found.signature), { hintKind: "signature" });
      return passed(sparkMessages.defined(found.signature));
    },
  },
  {
    id: "returns-dataframe",
    title: "It returns a Spark DataFrame",
    requires: ["function-defined"],
    hints: {
      default: [
        "The function must return a Spark DataFrame: `df` with one more column.",
        "`df.withColumn(name, column)` returns a new DataFrame; return it (Spark DataFrames are never changed in place).",
        'End the function with `return df.withColumn("predicted_label", ...)`.',
      ],
      none: [
        "The function ends without returning anything, so Python returns `None`.",
        "`df.withColumn(...)` does not change `df`: it returns a new DataFrame, which your function must return.",
        'Write `return df.withColumn("predicted_label", ...)` as the function\'s last line.',
      ],
      pandas: [
        "The function returned pandas data; the exercise is to stay in Spark, so that the work is spread over the cluster.",
        "Do not call `toPandas()`; add the prediction column to the Spark DataFrame with `withColumn` and a Spark UDF.",
        'Return `df.withColumn("predicted_label", predict(struct(*df.columns)))`, where `predict` comes from `mlflow.pyfunc.spark_udf`.',
      ],
      noStaging: [
        "This exercise scores with the model in stage `Staging`, and there is none: finish the model-registry exercise first.",
        "Transition a version of `IrisModel` to `Staging` (see the model-registry lesson); an alias alone is not enough for `models:/IrisModel/Staging`.",
        'Run `MlflowClient().transition_model_version_stage("IrisModel", <version>, "Staging")`, then check again.',
      ],
      raised: [
        "Your function raised an exception: the traceback shows the line of your code where it happened.",
        "Read the last line of the traceback first; it names the problem. `mlflow.pyfunc.spark_udf(spark, model_uri, env_manager=\"local\")` needs the model URI as a string.",
        'Build the UDF with `mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")` and return `df.withColumn(...)`.',
      ],
      notSelfContained: SELF_CONTAINED_HINTS,
      stopped: STOPPED_HINTS,
    },
    async evaluate(state) {
      const run = await state.run();
      const found = findingsOf(run)!;
      if (found.noStaging !== undefined) return failed(sparkMessages.noStaging(found.noStaging), { hintKind: "noStaging", link: state.links.models() });
      if (found.exception?.stage === "call") return raisedOutcome(call, found.exception);
      if (found.isDataFrame === undefined) return notReached(run, "what the function returned");
      if (!found.isDataFrame) {
        const type = found.resultType;
        return failed(sparkMessages.notDataFrame(type), { hintKind: type === "builtins.NoneType" ? "none" : type?.startsWith("pandas.") ? "pandas" : undefined });
      }
      if (found.columns === undefined) return notReached(run, "the returned DataFrame's columns");
      return passed(sparkMessages.isDataFrame(found.columns));
    },
  },
  {
    id: "features-kept",
    title: "The four iris feature columns are kept",
    requires: ["returns-dataframe"],
    hints: {
      default: [
        "Return all of `df`'s columns plus the new one: whoever reads the result needs the features next to the prediction.",
        "`df.withColumn` keeps every column; `select` keeps only those it names.",
        'Use `df.withColumn("predicted_label", ...)` rather than `df.select(...)`.',
      ],
    },
    async evaluate(state) {
      const columns = findingsOf(await state.run())!.columns ?? [];
      const missing = FEATURE_COLUMNS.filter((name) => !columns.includes(name));
      if (missing.length > 0) return failed(sparkMessages.featuresMissing(missing, columns));
      return passed(sparkMessages.featuresKept());
    },
  },
  {
    id: "predicted-label",
    title: "A `predicted_label` column is added",
    requires: ["returns-dataframe"],
    hints: {
      default: [
        "Add a column named exactly `predicted_label` holding the model's prediction for each row.",
        "`df.withColumn(\"predicted_label\", column)` adds it; the column comes from calling the UDF made by `mlflow.pyfunc.spark_udf`.",
        'Return `df.withColumn("predicted_label", predict(struct(*df.columns)))`.',
      ],
      nearMiss: [
        "A prediction column is there, under another name: the check looks for `predicted_label` exactly.",
        "Rename it: the first argument of `withColumn` is the new column's name.",
        'Use `df.withColumn("predicted_label", ...)`.',
      ],
    },
    async evaluate(state) {
      const found = findingsOf(await state.run())!;
      const columns = found.columns ?? [];
      if (!columns.includes(LABEL_COLUMN)) {
        const added = columns.filter((name) => !FEATURE_COLUMNS.includes(name));
        return failed(sparkMessages.noLabel(columns, added), { hintKind: added.length > 0 ? "nearMiss" : undefined });
      }
      return passed(sparkMessages.label(found.labelType));
    },
  },
  {
    id: "agrees-with-staging",
    title: "`predicted_label` agrees with `models:/IrisModel/Staging` on at least 85% of the rows",
    requires: ["features-kept", "predicted-label"],
    hints: {
      default: [
        "The labels must come from the registered model in `Staging`, applied to the four feature columns of each row.",
        'Make the UDF with `mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local")`, and call it on the features.',
        'Use `predict = mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")` and `predict(struct(*df.columns))`.',
      ],
      constant: [
        "Every row got the same label: the column is not computed from the model yet.",
        "The label must come from the Spark UDF that `mlflow.pyfunc.spark_udf` makes from the model, called on each row's features.",
        'Replace the constant with `predict(struct(*df.columns))`, where `predict = mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")`.',
      ],
      compute: [
        "Your function returned a DataFrame, but Spark failed when it computed the column: the error happened in the UDF, row batch by row batch.",
        "Spark computes lazily: `withColumn` only plans the work, so errors in a UDF appear when the rows are computed. Try `.show()` on the result in the lesson to see the same error.",
        'Use the UDF that `mlflow.pyfunc.spark_udf(spark, "models:/IrisModel/Staging", env_manager="local", result_type="long")` makes, called as `predict(struct(*df.columns))`.',
      ],
      struct: [
        "Spark raised the error while computing the column, in the UDF: the model did not accept the columns it was given, or not the way it was given them.",
        "A model logged without a signature needs its input columns by name: wrap them in `struct(...)`, which hands the model a DataFrame with those names.",
        "Call the UDF as `predict(struct(*df.columns))`, not `predict(*df.columns)`.",
      ],
      stopped: STOPPED_HINTS,
    },
    async evaluate(state) {
      const run = await state.run();
      const found = findingsOf(run)!;
      if (found.exception?.stage === "compute") {
        // scikit-learn refusing the columns `0`..`3`: the UDF was called on the columns one by one.
        const featureNames = /feature names/i.test(found.exception.message);
        return failed(sparkMessages.computeRaised(found.exception), { hintKind: featureNames ? "struct" : "compute" });
      }
      if (found.agreeing === undefined || found.inputRows === undefined) return notReached(run, "the agreement");
      const measured = { ...found, agreeing: found.agreeing, inputRows: found.inputRows };
      const version = await state.stagedVersion();
      const link = version ? state.links.modelVersion(MODEL_NAME, version) : undefined;
      if (found.agreeing / found.inputRows < MIN_AGREEMENT) {
        return failed(sparkMessages.disagreement(measured), { link, hintKind: found.distinctValues === 1 ? "constant" : undefined });
      }
      return passed(sparkMessages.agrees(measured, version), link);
    },
  },
];

export const sparkIntegration = defineExercise<SparkState>({
  id: "spark-integration",
  title: "Scoring with Spark",
  createState,
  checks: sparkIntegrationChecks,
});

/**
 * The checks' verdict on findings made elsewhere (several pieces of code run
 * in one helper process, in tests), exactly as `grade` would report them.
 */
export function evaluateSparkRun(
  run: SparkRunOutcome,
  options: { attempt?: number; uiBase?: string; stagedVersion?: string } = {},
): Promise<CheckResult[]> {
  const state: SparkState = {
    links: createLinks(options.uiBase),
    run: async () => run,
    stagedVersion: async () => options.stagedVersion,
  };
  return runChecks(sparkIntegrationChecks, state, { attempt: options.attempt ?? 1 });
}
