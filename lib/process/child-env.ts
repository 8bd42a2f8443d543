import type { Env } from "@/lib/process/launch";

/**
 * The environment policy of the course's child processes. How they are started (the
 * ProcessSpec / ProcessLauncher seam) is the process toolkit's: lib/process/launch.ts.
 */

/** What a child process of the course inherits: the system basics, Java, Spark (`SPARK_*`) and MLflow (`MLFLOW_*`) settings. */
const INHERITED = [
  "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
  "JAVA_HOME", "HADOOP_CONF_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
  "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
];

/** MLflow's server settings: the course gives them to its MLflow server only (a store URL may hold a password). */
const MLFLOW_SERVER_ONLY = ["MLFLOW_BACKEND_STORE_URI", "MLFLOW_ARTIFACTS_DESTINATION", "MLFLOW_DEFAULT_ARTIFACT_ROOT"];

/**
 * The one allow-list for the environment of the course's child processes (MLflow, Jupyter and
 * its unsandboxed kernels, model servers, the grader's helpers): never the course's own
 * settings and secrets (`COURSE_*`, `DATABASE_URL`, the Jupyter token), nor MLflow's store settings.
 */
export function allowListedEnv(base: Env): Env {
  return Object.fromEntries(
    Object.entries(base).filter(
      ([name, value]) => value !== undefined && !MLFLOW_SERVER_ONLY.includes(name) && (INHERITED.includes(name) || name.startsWith("MLFLOW_") || name.startsWith("SPARK_")),
    ),
  );
}

/**
 * The one environment policy for the grader's helpers, before any sandbox: an
 * allow-list of the grader's environment (never the course's secrets: database
 * URL, instructor password, Jupyter token), the course's Python first on PATH,
 * this MLflow, and the graded workspace only.
 */
export function helperProcessEnv(request: { pythonBin: string; trackingUri: string; workspace?: string; baseEnv?: Env }): Env {
  const base = request.baseEnv ?? process.env;
  const bin = request.pythonBin.slice(0, request.pythonBin.lastIndexOf("/")) || ".";
  const env: Env = {
    ...allowListedEnv(base),
    PATH: `${bin}:${base.PATH ?? ""}`,
    MLFLOW_TRACKING_URI: request.trackingUri,
    MLFLOW_DISABLE_TELEMETRY: "true",
    DO_NOT_TRACK: "true",
    PYTHONUNBUFFERED: "1",
  };
  if (request.workspace) env.MLFLOW_WORKSPACE = request.workspace;
  else delete env.MLFLOW_WORKSPACE;
  return env;
}
