/**
 * The port the lessons serve models on (`mlflow models serve -p 5050`): the first of the course's
 * model-server ports (MODEL_SERVER_PORTS) and where the CLI looks for a server by default.
 */
export const LESSONS_MODEL_SERVER_PORT = 5050;

/** The grader's defaults, in one place (the CLI and the site pass overrides). */
export const GRADER_DEFAULTS = {
  /** Where `mlflow models serve -p 5050` listens, as the lessons teach. */
  modelServerUrl: `http://127.0.0.1:${LESSONS_MODEL_SERVER_PORT}`,
  /** The proxied MLflow UI on the course site. */
  uiBase: "/mlflow",
  /** One MLflow REST call. */
  mlflowTimeoutMs: 5000,
  /** One request to the learner's model server. */
  modelServerTimeoutMs: 10_000,
  /** Loading the staged model with MLflow in Python (import alone takes ~3 s on two busy cores). */
  pythonTimeoutMs: 90_000,
  /**
   * Running the learner's Spark code in a fresh process (spark-integration): Python and
   * MLflow import, Spark's JVM start, the UDF scoring iris. About 20 s on two busy cores.
   */
  sparkTimeoutMs: 120_000,
  /** Spark checks running at once in one grader process (each starts a JVM of about 1 GB). */
  sparkConcurrency: 2,
} as const;
