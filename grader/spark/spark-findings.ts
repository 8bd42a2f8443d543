import { z } from "zod";

/**
 * What `python/spark_check.py` found about a learner's
 * `predict_label_with_mlflow_udf(spark, df)`, as it prints it (snake_case on
 * the wire, camelCase here). Keys are present only once the helper got that
 * far, so a missing key means "not looked at", never "false".
 */

/** The helper's steps, in order; it announces each on stderr before starting it. */
export const SPARK_STAGES = ["compile", "define", "load_model", "start_spark", "call", "inspect", "compute", "done"] as const;
export type SparkStage = (typeof SPARK_STAGES)[number];

const exceptionSchema = z.object({
  /** define: the cell's top-level code; call: the function; compute: Spark computing its DataFrame. */
  stage: z.enum(["define", "call", "compute"]),
  type: z.string(),
  message: z.string(),
  /** Only frames from the learner's code, temporary paths shortened. */
  traceback: z.string(),
});
export type LearnerException = z.infer<typeof exceptionSchema>;

export const sparkFindingsSchema = z
  .object({
    syntax_error: z.object({ line: z.number().nullable(), column: z.number().nullable(), message: z.string(), text: z.string() }).optional(),
    exception: exceptionSchema.optional(),
    defined: z.boolean().optional(),
    functions: z.array(z.string()).optional(),
    callable: z.boolean().optional(),
    found_type: z.string().optional(),
    signature: z.string().optional(),
    accepts_spark_and_df: z.boolean().optional(),
    no_staging: z.string().optional(),
    result_type: z.string().optional(),
    is_dataframe: z.boolean().optional(),
    columns: z.array(z.string()).optional(),
    label_type: z.string().optional(),
    input_rows: z.number().optional(),
    rows: z.number().optional(),
    agreeing: z.number().optional(),
    values: z.array(z.tuple([z.unknown(), z.number()])).optional(),
    distinct_values: z.number().optional(),
    error: z.object({ kind: z.string(), message: z.string() }).optional(),
  })
  .transform((f) => ({
    syntaxError: f.syntax_error,
    exception: f.exception,
    defined: f.defined,
    functions: f.functions,
    callable: f.callable,
    foundType: f.found_type,
    signature: f.signature,
    acceptsSparkAndDf: f.accepts_spark_and_df,
    noStaging: f.no_staging,
    resultType: f.result_type,
    isDataFrame: f.is_dataframe,
    columns: f.columns,
    labelType: f.label_type,
    inputRows: f.input_rows,
    rows: f.rows,
    agreeing: f.agreeing,
    /** The most common `predicted_label` values, `[value, rows]`. */
    values: f.values as [unknown, number][] | undefined,
    distinctValues: f.distinct_values,
    /** The platform failed (MLflow unreachable, Spark did not start). */
    error: f.error,
  }));
export type SparkFindings = z.output<typeof sparkFindingsSchema>;

/**
 * One run of the helper on one piece of code: it finished (whatever the
 * learner's code did), or it was stopped at the time limit or ended without
 * an answer, in which case `stage` says what was running and `found` what had
 * been found before.
 */
export type SparkCheckRun =
  | { kind: "finished"; found: SparkFindings }
  | { kind: "stopped"; reason: "timeout"; stage: SparkStage | "start"; found: SparkFindings; timeoutMs: number }
  | { kind: "stopped"; reason: "exited"; stage: SparkStage | "start"; found: SparkFindings; exit: string };

export const EMPTY_FINDINGS: SparkFindings = sparkFindingsSchema.parse({});
