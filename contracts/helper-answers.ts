import { z } from "zod";

/**
 * What the course's Python helpers answer, on the wire (snake_case, as Python writes it). Each
 * helper checks its own answer against the JSON Schema exported from these (python/schemas/) before
 * writing it, and the TypeScript side parses what it reads with them. The helpers run in the
 * learner's sandbox, and two of them run learner code or a learner-made model in the same process,
 * so what is read may have been written by that code: these say what an answer may hold, never
 * whether it is true.
 *
 * Objects are `z.object`: the TypeScript side drops keys it does not know. Their JSON Schemas are
 * exported as zod's output (contracts/json-schemas.ts), which is strict: a helper writes exactly
 * these keys, so one that wrote another would stop at its own check.
 */

// ------------------------------------------------------------- python/spark_check.py

/** The Spark helper's steps, in order; it announces each on stderr before starting it. */
export const SPARK_STAGES = ["compile", "define", "start_spark", "load_model", "call", "inspect", "compute", "done"] as const;
export const sparkStageSchema = z.enum(SPARK_STAGES);

/** At most this many result rows are reported (the rest only counted). */
export const SPARK_MAX_REPORTED_ROWS = 10_000;

export const sparkExceptionSchema = z.object({
  /** define: the cell's top-level code; call: the function; compute: Spark computing its DataFrame. */
  stage: z.enum(["define", "call", "compute"]),
  type: z.string(),
  message: z.string(),
  /** Only frames from the learner's code, temporary paths shortened. */
  traceback: z.string(),
});

/**
 * What the helper found about the learner's function, apart from the rows. Keys appear only once
 * the helper got that far. There is no key for a verdict (how many rows agree, whether a version
 * is in Staging): the grader measures those itself, and a non-strict object drops any such key a
 * forged answer carries when the grader parses it. (The exported JSON Schema is strict: the helper
 * itself writes only these keys.)
 */
export const sparkStructuralSchema = z.object({
  syntax_error: z.object({ line: z.number().nullable(), column: z.number().nullable(), message: z.string(), text: z.string() }).optional(),
  exception: sparkExceptionSchema.optional(),
  defined: z.boolean().optional(),
  functions: z.array(z.string()).optional(),
  callable: z.boolean().optional(),
  found_type: z.string().optional(),
  signature: z.string().optional(),
  accepts_spark_and_df: z.boolean().optional(),
  result_type: z.string().optional(),
  is_dataframe: z.boolean().optional(),
  columns: z.array(z.string()).optional(),
  label_type: z.string().optional(),
});

/** What the helper found for one piece of code (also the `found` of its stage lines). */
export const sparkFoundSchema = sparkStructuralSchema.extend({
  /** The returned DataFrame's rows: the four feature values, then `predicted_label`. */
  result_rows: z.array(z.array(z.unknown())).max(SPARK_MAX_REPORTED_ROWS).optional(),
  /** How many rows it had (more than reported when it had more than SPARK_MAX_REPORTED_ROWS). */
  row_count: z.number().int().nonnegative().optional(),
});

const codeIndex = z.number().int().nonnegative();

/** The platform failed for this piece of code (Spark could not start, the grader's word was unreadable, the answer broke this contract). */
export const sparkErrorAnswerSchema = z.strictObject({ code: codeIndex, error: z.object({ kind: z.string(), message: z.string() }) });
export const sparkFoundAnswerSchema = z.strictObject({ code: codeIndex, found: sparkFoundSchema });

/** One line of the helper's answer channel (file descriptor 3): what it found for the `code`-th piece of code, or a platform failure. */
export const sparkAnswerSchema = z.union([sparkFoundAnswerSchema, sparkErrorAnswerSchema]);

/** What follows `SPARK_CHECK_STAGE ` on a stage line (stderr): the step starting and what was found so far. */
export const SPARK_STAGE_PREFIX = "SPARK_CHECK_STAGE ";
export const sparkStageLineSchema = z.strictObject({ stage: sparkStageSchema, found: sparkFoundSchema });

// ------------------------------------------------------------- python/expected_predictions.py

export const EXPECTED_PREDICTIONS_FAILURES = ["model_not_found", "mlflow_unreachable", "load_failed", "predict_failed", "bad_request", "invalid_answer"] as const;

/**
 * The last line of the helper's stdout: the model's predictions (with a data set, also the rows it
 * predicted and their columns), or why there are none.
 */
export const expectedPredictionsAnswerSchema = z.union([
  z.object({
    predictions: z.array(z.unknown()),
    model_uri: z.string(),
    rows: z.array(z.array(z.unknown())).optional(),
    columns: z.array(z.string()).optional(),
  }),
  z.object({ error: z.object({ kind: z.enum(EXPECTED_PREDICTIONS_FAILURES), message: z.string() }) }),
]);
export type ExpectedPredictionsAnswer = z.infer<typeof expectedPredictionsAnswerSchema>;

// ------------------------------------------------------------- python/catch_up.py

/** The last line of the helper's stdout: every cell ran, or the one that raised and its error. */
export const catchUpVerdictSchema = z.union([z.object({ ok: z.literal(true) }), z.object({ failed: z.string(), error: z.string() })]);
export type CatchUpVerdict = z.infer<typeof catchUpVerdictSchema>;
