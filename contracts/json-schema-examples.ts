import type { z } from "zod";
import type { JSON_SCHEMAS, JsonSchemaName } from "./json-schemas";
import { CPU_WEIGHTS, LAUNCH_DESCRIPTION_VERSION, SANDBOX_PASSED_ON_ENV, type LaunchDescription } from "./launch-description";

/**
 * Values each side must agree on, for every exported schema: `valid` ones both the zod schema
 * and its JSON Schema accept, `invalid` ones both refuse (Python with a message naming `field`).
 * `readerDrops` marks a key the TypeScript reader drops rather than refuses, as the Spark answer's
 * reader must for a verdict a forged answer carries; Python, the writer, refuses it.
 * scripts/export-schemas.ts writes them to python/tests/examples/<name>.json for pytest.
 */
export type SchemaExamples<Name extends JsonSchemaName> = {
  valid: z.input<(typeof JSON_SCHEMAS)[Name]["schema"]>[];
  invalid: { why: string; field: string; readerDrops?: true; value: unknown }[];
};

const launch: LaunchDescription = {
  schema_version: LAUNCH_DESCRIPTION_VERSION,
  uid: 65534,
  gid: 65534,
  python: "/srv/course/.venv/bin/python",
  read_only: ["/usr", "/etc", "/srv/course/.venv"],
  symlinks: { "/bin": "usr/bin", "/lib": "usr/lib" },
  gate_socket: "/srv/course/.data/run/gate/mlflow-gate.sock",
  cgroup_group: "1a2b3c4d",
  netns_prefix: "mlt-1a2b3c4d-",
  gate_path: "/mlflow-gate",
  limits: { memory_bytes: 3072 * 1024 * 1024, pids: 1024 },
  cpu_weights: { v2: { learners: CPU_WEIGHTS.v2.learners, learner: CPU_WEIGHTS.v2.learner }, v1: { learners: CPU_WEIGHTS.v1.learners, learner: CPU_WEIGHTS.v1.learner } },
  learner_folder: "/srv/course/.data/learners/l-alice",
  disk_mb: 1024,
  mlflow_port: 5000,
  kernel_output_cap_bytes: 1_114_112,
  passed_on: [...SANDBOX_PASSED_ON_ENV],
  env: { LANG: "C.UTF-8", PATH: "/srv/course/.venv/bin:/usr/local/bin:/usr/bin:/bin", MLFLOW_TRACKING_TOKEN: "l-alice.c2lnbmF0dXJl" },
};

const { uid: _uid, ...launchWithoutUid } = launch;

const iris = [5.1, 3.5, 1.4, 0.2];
const sparkFound = {
  defined: true,
  functions: ["predict_label_with_mlflow_udf"],
  callable: true,
  signature: "(spark, df)",
  accepts_spark_and_df: true,
  result_type: "pyspark.sql.classic.dataframe.DataFrame",
  is_dataframe: true,
  columns: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)", "predicted_label"],
  label_type: "int",
  result_rows: [[...iris, 0]],
  row_count: 1,
};

const report = {
  exercise: "log-first-run",
  learner: "l-alice",
  startedAt: "2025-01-01T10:00:00.000Z",
  durationMs: 412,
  status: "failed" as const,
  checks: [
    { id: "run-exists", title: "A run is logged", status: "passed" as const, message: "Found run `clever-fox`.", link: "/mlflow/#/experiments/1/runs/abc" },
    { id: "param-num-trees", title: "Param `num_trees` is logged", status: "failed" as const, message: "No param `num_trees` on the run.", hint: "Call mlflow.log_param." },
    { id: "staging-alias", title: "The `@staging` alias", status: "skipped" as const, message: "Needs the model first.", optional: true as const },
  ],
  gradedRun: { runId: "abc", runName: "clever-fox", link: "/mlflow/#/experiments/1/runs/abc" },
};

export const SCHEMA_EXAMPLES: { [Name in JsonSchemaName]: SchemaExamples<Name> } = {
  "launch-description": {
    valid: [launch, { ...launch, passed_on: [], env: {}, symlinks: {} }],
    invalid: [
      { why: "a field is missing", field: "uid", value: launchWithoutUid },
      { why: "a field the contract does not name", field: "jupyter_token", value: { ...launch, jupyter_token: "secret" } },
      { why: "a field of the wrong type", field: "uid", value: { ...launch, uid: "65534" } },
      { why: "a nested field is missing", field: "pids", value: { ...launch, limits: { memory_bytes: 1024 } } },
      { why: "a variable the sandbox does not pass on", field: "passed_on", value: { ...launch, passed_on: ["TMPDIR", "LD_PRELOAD"] } },
      { why: "another version", field: "schema_version", value: { ...launch, schema_version: 2 } },
      { why: "an environment value that is not text", field: "env", value: { ...launch, env: { LANG: 1 } } },
      { why: "a CPU weight of zero", field: "cpu_weights", value: { ...launch, cpu_weights: { ...launch.cpu_weights, v2: { learners: 25, learner: 0 } } } },
    ],
  },
  "spark-check-answer": {
    valid: [
      { code: 0, found: sparkFound },
      { code: 1, found: { syntax_error: { line: 2, column: null, message: "invalid syntax", text: "def f(" } } },
      { code: 0, found: { defined: true, functions: [], callable: true, signature: "(spark, df)", accepts_spark_and_df: true, exception: { stage: "call", type: "RuntimeError", message: "boom", traceback: "Traceback (most recent call last):\nRuntimeError: boom" } } },
      { code: 0, error: { kind: "spark_failed", message: "Spark could not start (is Java 17 installed?)" } },
    ],
    invalid: [
      { why: "a verdict", field: "agreeing", readerDrops: true, value: { code: 0, found: { ...sparkFound, agreeing: 150 } } },
      { why: "a key beside the answer", field: "verdict", value: { code: 0, found: sparkFound, verdict: "passed" } },
      { why: "a negative index", field: "code", value: { code: -1, found: {} } },
      { why: "rows that are not a list", field: "result_rows", value: { code: 0, found: { ...sparkFound, result_rows: "all of them" } } },
      { why: "an exception at a stage that does not exist", field: "stage", value: { code: 0, found: { exception: { stage: "import", type: "E", message: "", traceback: "" } } } },
    ],
  },
  "spark-check-stage": {
    valid: [
      { stage: "compile", found: {} },
      { stage: "compute", found: { ...sparkFound, result_rows: undefined, row_count: undefined } },
    ],
    invalid: [
      { why: "a stage that does not exist", field: "stage", value: { stage: "grade", found: {} } },
      { why: "no findings", field: "found", value: { stage: "define" } },
    ],
  },
  "expected-predictions-answer": {
    valid: [
      { predictions: [0, 1, 2], model_uri: "models:/IrisModel/Staging" },
      { predictions: ["setosa"], model_uri: "models:/IrisModel/Staging", rows: [iris], columns: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"] },
      { error: { kind: "model_not_found", message: "No versions of model with name 'IrisModel' and stage 'Staging' found" } },
    ],
    invalid: [
      { why: "a failure the grader does not know", field: "kind", value: { error: { kind: "oops", message: "" } } },
      { why: "predictions that are not a list", field: "predictions", value: { predictions: { label: 0 }, model_uri: "models:/IrisModel/Staging" } },
      { why: "a key the contract does not name", field: "passed", readerDrops: true, value: { predictions: [0], model_uri: "models:/IrisModel/Staging", passed: true } },
    ],
  },
  "catch-up-verdict": {
    valid: [{ ok: true }, { failed: "train-model", error: "ValueError: bad input" }],
    invalid: [
      { why: "ok that is not true", field: "ok", value: { ok: false } },
      { why: "a cell id that is not text", field: "failed", value: { failed: 3, error: "ValueError" } },
    ],
  },
  "exercise-report": {
    valid: [report, { ...report, status: "passed", checks: [], gradedRun: undefined }],
    invalid: [
      { why: "a status that does not exist", field: "status", value: { ...report, status: "ok" } },
      { why: "a check without a title", field: "title", value: { ...report, checks: [{ id: "x", status: "passed", message: "" }] } },
      { why: "optional that is not true", field: "optional", value: { ...report, checks: [{ ...report.checks[2], optional: false }] } },
    ],
  },
};

/** Every examples file's text, by its path from the project root (python/tests/examples/<name>.json). */
export function exportedExampleFiles(): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(SCHEMA_EXAMPLES) as JsonSchemaName[]).map((name) => [`python/tests/examples/${name}.json`, `${JSON.stringify(SCHEMA_EXAMPLES[name], null, 2)}\n`]),
  );
}
