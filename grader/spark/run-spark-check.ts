import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GRADER_DEFAULTS } from "../defaults";
import { PlatformError } from "../platform-error";
import { EMPTY_FINDINGS, SPARK_STAGES, sparkFindingsSchema, type SparkCheckRun, type SparkFindings, type SparkStage } from "./spark-findings";

/**
 * Runs `python/spark_check.py` on a learner's code in its own process group,
 * with a time limit. At the limit the whole group is killed: the Python
 * process, Spark's JVM (PySpark starts it as a child, in the same group) and
 * Spark's Python workers, so a learner's endless loop, in the driver or in a
 * UDF, leaves nothing running. The helper's scratch folder (TMPDIR, Spark's
 * local dirs, its working directory) is removed afterwards.
 *
 * The learner's outcomes come back as findings; the platform's failures
 * (Python missing, MLflow unreachable, Spark not starting, garbage output)
 * are thrown as PlatformError.
 *
 * The learner's code is arbitrary Python: the helper gets only the environment
 * it needs (no database URL, instructor password or Jupyter token, which the
 * code could otherwise print into its own Check result). At most
 * `GRADER_DEFAULTS.sparkConcurrency` helpers run at once (each is a JVM);
 * the time limit starts when a helper starts, not while it waits its turn.
 */

const SCRIPT = "spark_check.py";

type Env = Record<string, string | undefined>;
const STAGE_PREFIX = "SPARK_CHECK_STAGE ";

export type SparkCheckRequest = {
  pythonBin: string;
  trackingUri: string;
  workspace?: string;
  timeoutMs: number;
  /** Defaults to this process's environment; `SPARK_MASTER` in it picks the cluster. */
  baseEnv?: Env;
};

/** Resolved when called (see expectedPredictionsScript): beside the sources, else from the project root. */
export function sparkCheckScript(): string {
  const here = (import.meta as { dirname?: string }).dirname;
  const besideSource = here ? path.resolve(/* turbopackIgnore: true */ here, "..", "..", "python", SCRIPT) : undefined;
  if (besideSource && fs.existsSync(besideSource)) return besideSource;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), "python", SCRIPT);
}

/** The grader's path: one learner's code, one fresh process and Spark session. */
export async function runSparkCheck(request: SparkCheckRequest & { code: string }): Promise<SparkCheckRun> {
  const [run] = await runHelper(request, { stdin: request.code, expected: 1 });
  return run;
}

/**
 * Several pieces of code in one process and one Spark session (tests and
 * benchmarks: starting Spark costs seconds). The time limit covers them all.
 */
export async function runSparkCheckBatch(request: SparkCheckRequest & { codes: string[] }): Promise<SparkCheckRun[]> {
  return runHelper(request, { codes: request.codes, expected: request.codes.length });
}

async function runHelper(request: SparkCheckRequest, input: { stdin?: string; codes?: string[]; expected: number }): Promise<SparkCheckRun[]> {
  await acquireSlot();
  try {
    return await runHelperNow(request, input);
  } finally {
    releaseSlot();
  }
}

let running = 0;
const waiting: (() => void)[] = [];

function acquireSlot(): Promise<void> {
  if (running < GRADER_DEFAULTS.sparkConcurrency) {
    running += 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve)); // the slot is handed over on release
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

async function runHelperNow(request: SparkCheckRequest, input: { stdin?: string; codes?: string[]; expected: number }): Promise<SparkCheckRun[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "spark-check-"));
  try {
    const args = [sparkCheckScript()];
    for (const [index, code] of (input.codes ?? []).entries()) {
      const file = path.join(scratch, `snippet-${index + 1}.py`);
      fs.writeFileSync(file, code);
      args.push(file);
    }
    const result = await runInProcessGroup(request.pythonBin, args, {
      env: helperEnv(request, scratch),
      cwd: scratch,
      stdin: input.stdin ?? "",
      timeoutMs: request.timeoutMs,
    });
    return interpret(result, request, input.expected);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** What the helper inherits: the system basics, Java, Spark (`SPARK_*`) and MLflow client (`MLFLOW_*`) settings. */
const INHERITED = [
  "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ",
  "JAVA_HOME", "HADOOP_CONF_DIR",
  "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
  "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
];

export function helperEnv(request: SparkCheckRequest, scratch: string): Env {
  const base = request.baseEnv ?? process.env;
  const bin = path.dirname(request.pythonBin);
  const inherited = Object.fromEntries(
    Object.entries(base).filter(([name, value]) => value !== undefined && (INHERITED.includes(name) || name.startsWith("MLFLOW_") || name.startsWith("SPARK_"))),
  );
  const env: Env = {
    ...inherited,
    PATH: `${bin}${path.delimiter}${base.PATH ?? ""}`,
    MLFLOW_TRACKING_URI: request.trackingUri,
    MLFLOW_DISABLE_TELEMETRY: "true",
    DO_NOT_TRACK: "true",
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    // Spark's Python workers must be the course's Python (pandas, MLflow), not the system one.
    PYSPARK_PYTHON: request.pythonBin,
    PYSPARK_DRIVER_PYTHON: request.pythonBin,
    TMPDIR: scratch,
    SPARK_LOCAL_DIRS: scratch,
  };
  if (request.workspace) env.MLFLOW_WORKSPACE = request.workspace;
  else delete env.MLFLOW_WORKSPACE;
  return env;
}

type ProcessResult = {
  stdout: string;
  stderrTail: string;
  /** The last stage the helper announced, with what it had found by then. */
  lastStage?: { stage: SparkStage; found: unknown };
  timedOut: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
};

function runInProcessGroup(
  command: string,
  args: string[],
  options: { env: Env; cwd: string; stdin: string; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // detached: the child leads a new process group, which its JVM and workers join.
    const child = spawn(command, args, { env: options.env as NodeJS.ProcessEnv, cwd: options.cwd, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    let pending = "";
    let lastStage: ProcessResult["lastStage"];
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

    const killGroup = () => {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);

    const readLine = (line: string) => {
      if (line.startsWith(STAGE_PREFIX)) {
        try {
          const parsed = JSON.parse(line.slice(STAGE_PREFIX.length)) as { stage?: unknown; found?: unknown };
          if (typeof parsed.stage === "string" && (SPARK_STAGES as readonly string[]).includes(parsed.stage)) {
            lastStage = { stage: parsed.stage as SparkStage, found: parsed.found };
          }
        } catch {
          // a learner's print that merely looks like one
        }
        return;
      }
      stderrTail = `${stderrTail}${line}\n`.slice(-20_000);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) readLine(line);
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new PlatformError(`could not start the course's Python at ${command} (${error.message})`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      exit = { code, signal };
      // Whatever the helper left behind (a JVM still shutting down, a worker) goes with it.
      killGroup();
    });
    // `close` comes once every holder of the pipes (the JVM and workers too) is gone.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (pending) readLine(pending);
      waitForGroupToEnd(child.pid).then(() =>
        resolve({ stdout, stderrTail, lastStage, timedOut, exitCode: exit?.code ?? code, signal: exit?.signal ?? signal }),
      );
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin);
  });
}

async function waitForGroupToEnd(pid: number | undefined): Promise<void> {
  if (!pid) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function interpret(result: ProcessResult, request: SparkCheckRequest, expected: number): SparkCheckRun[] {
  const answers: SparkFindings[] = [];
  for (const line of result.stdout.split("\n")) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new PlatformError(`the Spark check helper printed something that is not its answer: ${snippet(line)}`);
    }
    const parsed = sparkFindingsSchema.safeParse(json);
    if (!parsed.success) throw new PlatformError(`the Spark check helper's answer has an unexpected shape: ${snippet(line)}`);
    answers.push(parsed.data);
  }
  const platformError = answers.find((answer) => answer.error)?.error;
  if (platformError) throw platformFailure(platformError, request);

  const runs: SparkCheckRun[] = answers.map((found) => ({ kind: "finished", found }));
  if (runs.length >= expected) return runs.slice(0, expected);

  // Stopped (or ended) before answering for every piece of code: the current one is the next.
  const stage = result.lastStage?.stage ?? "start";
  const partial = sparkFindingsSchema.safeParse(result.lastStage?.found ?? {});
  const found = partial.success ? partial.data : EMPTY_FINDINGS;
  if (result.timedOut) {
    runs.push({ kind: "stopped", reason: "timeout", stage, found, timeoutMs: request.timeoutMs });
  } else {
    const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
    if (stage === "start" || stage === "compile" || stage === "done") {
      throw new PlatformError(`the Spark check helper ended without an answer (${how}: ${lastLine(result.stderrTail)})`);
    }
    runs.push({ kind: "stopped", reason: "exited", stage, found, exit: how });
  }
  if (runs.length < expected) {
    throw new PlatformError(`the Spark check helper stopped after ${runs.length} of ${expected} pieces of code`);
  }
  return runs;
}

function platformFailure(error: { kind: string; message: string }, request: SparkCheckRequest): PlatformError {
  if (error.kind === "mlflow_unreachable") return new PlatformError(`MLflow at ${request.trackingUri} is not reachable from the course's Python`);
  if (error.kind === "spark_failed") return new PlatformError(firstLine(error.message));
  return new PlatformError(`MLflow could not load the model to compare with (${error.kind}: ${firstLine(error.message)})`);
}

function snippet(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function firstLine(text: string): string {
  return snippet(text.trim().split("\n")[0] ?? "") || "no details";
}

function lastLine(text: string): string {
  return snippet(text.trim().split("\n").at(-1) ?? "") || "no output";
}
