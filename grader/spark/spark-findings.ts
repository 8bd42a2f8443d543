import { z } from "zod";
import {
  SPARK_STAGES,
  sparkErrorAnswerSchema,
  sparkExceptionSchema,
  sparkFoundAnswerSchema,
  sparkFoundSchema,
  sparkStructuralSchema,
} from "@/contracts/helper-answers";

/**
 * What the grader found about a learner's `predict_label_with_mlflow_udf(spark, df)`.
 *
 * Two sources, trusted differently:
 * - `python/spark_check.py` runs the learner's code, so everything it says may have been
 *   written by that code. It reports only what the function did (structural findings and
 *   the rows it returned); its answer is parsed with `helperAnswerSchema`, built on the
 *   answer's contract (contracts/helper-answers.ts), which has no field for a verdict: extra
 *   keys such as `agreeing` are dropped.
 * - The grader itself adds what decides the last check (`noStaging`, `inputRows`, `rows`,
 *   `agreeing`, `values`, `distinctValues`), from the rows the function returned and the
 *   predictions of `python/expected_predictions.py`, a process that runs no learner code
 *   (see `measure-agreement.ts`).
 *
 * Snake_case on the wire, camelCase here. Keys are present only once the helper got that
 * far, so a missing key means "not looked at", never "false".
 */

/** The helper's steps, in order; it announces each on stderr before starting it. */
export { SPARK_STAGES };
export type SparkStage = (typeof SPARK_STAGES)[number];

export type LearnerException = z.infer<typeof sparkExceptionSchema>;

/** What the helper reports about the learner's code, apart from the rows. */
const structuralShape = sparkStructuralSchema.shape;

/** What the grader measures (never read from the helper). */
const measuredShape = {
  no_staging: z.string().optional(),
  input_rows: z.number().optional(),
  rows: z.number().optional(),
  agreeing: z.number().optional(),
  values: z.array(z.tuple([z.unknown(), z.number()])).optional(),
  distinct_values: z.number().optional(),
};

type Structural = z.infer<z.ZodObject<typeof structuralShape>>;
type Measured = z.infer<z.ZodObject<typeof measuredShape>>;

function camelStructural(f: Structural) {
  return {
    syntaxError: f.syntax_error,
    exception: f.exception,
    defined: f.defined,
    functions: f.functions,
    callable: f.callable,
    foundType: f.found_type,
    signature: f.signature,
    acceptsSparkAndDf: f.accepts_spark_and_df,
    resultType: f.result_type,
    isDataFrame: f.is_dataframe,
    columns: f.columns,
    labelType: f.label_type,
  };
}

function camelMeasured(f: Measured) {
  return {
    /** No version in Staging (MLflow's message), found by the expected-predictions helper. */
    noStaging: f.no_staging,
    /** The iris rows the expected predictions were computed for (150). */
    inputRows: f.input_rows,
    /** Rows in the learner's result. */
    rows: f.rows,
    /** Result rows that are iris rows (each counted once) with the expected label. */
    agreeing: f.agreeing,
    /** The most common `predicted_label` values, `[value, rows]`. */
    values: f.values as [unknown, number][] | undefined,
    distinctValues: f.distinct_values,
  };
}

/**
 * The grader's findings, written in the wire's snake_case (tests build findings with it).
 * Never parse the helper's output with it: that is `helperAnswerSchema`'s job.
 */
export const sparkFindingsSchema = z
  .object({ ...structuralShape, ...measuredShape })
  .transform((f) => ({ ...camelStructural(f), ...camelMeasured(f) }));
export type SparkFindings = z.output<typeof sparkFindingsSchema>;

export const EMPTY_FINDINGS: SparkFindings = sparkFindingsSchema.parse({});

/** What the helper found for one piece of code, as it writes it (also the `found` of its stage lines), split into findings and rows. */
export const helperFoundSchema = sparkFoundSchema.transform((f) => ({
  findings: { ...camelStructural(f), ...camelMeasured({}) } as SparkFindings,
  resultRows: f.result_rows,
  rowCount: f.row_count,
}));
export type HelperFound = z.output<typeof helperFoundSchema>;

/** One line of the helper's answer channel: what it found for the `code`-th piece of code, or a platform failure. */
export const helperAnswerSchema = z.union([sparkFoundAnswerSchema.extend({ found: helperFoundSchema }), sparkErrorAnswerSchema]);
export type HelperAnswer = z.output<typeof helperAnswerSchema>;

/**
 * One run of the helper on one piece of code: it finished (whatever the learner's code
 * did), or it was stopped at the time limit or ended without an answer, in which case
 * `stage` says what was running and `found` what had been found before; or its answer
 * could not be read (written more than once, garbled or incomplete: only the learner's
 * code, which runs in that process, can do that).
 */
export type SparkCheckRun =
  | { kind: "finished"; found: SparkFindings }
  | { kind: "stopped"; reason: "timeout"; stage: SparkStage | "start"; found: SparkFindings; timeoutMs: number }
  | { kind: "stopped"; reason: "exited"; stage: SparkStage | "start"; found: SparkFindings; exit: string }
  | { kind: "unreadable"; problem: string; found: SparkFindings };
