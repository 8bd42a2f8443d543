import { Slots, type Admission } from "@/lib/concurrency/slots";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GRADER_DEFAULTS } from "../defaults";
import { PlatformError } from "../platform-error";
import { CappedText } from "@/lib/process/capped-text";
import { launchDirectly, type Env, type ProcessLauncher } from "@/lib/process/launch";
import { runProcess, SpawnError } from "@/lib/process/run-process";
import { helperProcessEnv } from "@/lib/process/child-env";
import { SPARK_STAGE_PREFIX, sparkStageLineSchema } from "@/contracts/helper-answers";
import { helperContractFiles } from "../helper-files";
import { computeIrisExpectedPredictions, type DatasetPredictions } from "../serving/compute-expected-predictions";
import { IRIS_COLUMNS } from "../serving/iris-rows";
import { measureAgreement } from "./measure-agreement";
import {
  EMPTY_FINDINGS,
  helperAnswerSchema,
  helperFoundSchema,
  type HelperAnswer,
  type HelperFound,
  type SparkCheckRun,
  type SparkFindings,
  type SparkStage,
} from "./spark-findings";

/**
 * Runs `python/spark_check.py` on a learner's code in its own process group,
 * with a time limit, and grades what it reports against predictions computed
 * where the learner's code cannot reach them.
 *
 * Two processes per check:
 * - `python/expected_predictions.py` (runs no learner code) loads
 *   `models:/IrisModel/Staging` with MLflow and predicts the 150 iris rows it
 *   loads itself; it also tells whether a version is in Staging at all.
 * - `python/spark_check.py` runs the learner's code (`runLearnerCodeProcess`,
 *   the one place such a process is started). It reports what the function
 *   did, the rows of the DataFrame it returned included, on a pipe of its own
 *   (file descriptor 3), while the learner's prints go to stderr. Before
 *   calling the function it waits for the grader's word on a second pipe
 *   (file descriptor 4): call it, or not (no version in Staging). Both start at
 *   once, so Spark starts while MLflow loads the model.
 * The agreement is measured here (`measureAgreement`): a forged answer can
 * claim anything about the function, but its rows only agree when their labels
 * are the model's predictions for the real iris rows.
 *
 * At the time limit the learner's process group is killed: the Python
 * process, Spark's JVM (PySpark starts it as a child, in the same group) and
 * Spark's Python workers, so a learner's endless loop, in the driver or in a
 * UDF, leaves nothing running. Its scratch folder (TMPDIR, Spark's local dirs,
 * its working directory) is removed afterwards.
 *
 * The learner's outcomes come back as findings; the platform's failures
 * (Python missing, MLflow unreachable, Spark not starting) are thrown as
 * PlatformError. An answer channel that only the learner's code could have
 * garbled (two answers, something that is not an answer, an incomplete
 * answer) is the learner's: a run of kind "unreadable".
 *
 * The learner's code is arbitrary Python: its process gets only the
 * environment it needs (no database URL, instructor password or Jupyter token,
 * which the code could otherwise print into its own Check result). At most
 * `GRADER_DEFAULTS.sparkConcurrency` checks run at once in one process (each is a JVM), unless
 * the caller admits JVMs itself (the course: the machine's Spark slots, which its learners'
 * sessions share); the time limit starts when a check starts, not while it waits its turn.
 */

const SCRIPT = "spark_check.py";

/** The learner process's answer channel and the grader's word to it (see python/spark_check.py). */
const ANSWER_FD = 3;
const GATE_FD = 4;
/** More than this (in characters) on the answer channel is not an answer: 150 iris rows take about 8 kB. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const LABEL = "predicted_label";
export const DEFAULT_MODEL_URI = "models:/IrisModel/Staging";

export type SparkCheckRequest = {
  pythonBin: string;
  trackingUri: string;
  workspace?: string;
  timeoutMs: number;
  /** The model whose predictions the labels are compared with; `models:/IrisModel/Staging` by default. */
  modelUri?: string;
  /** Defaults to this process's environment; `SPARK_MASTER` in it picks the cluster. */
  baseEnv?: Env;
  /** Starts both helpers (the course: in the learner's sandbox); default: as they are. */
  launcher?: ProcessLauncher;
  /** Waits for the JVM's turn (the course: the machine's Spark slots); default: this process's own limit. */
  admission?: SparkAdmission;
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
  const [run] = await runCheck(request, { stdin: request.code, count: 1 });
  return run;
}

/**
 * Several pieces of code in one process and one Spark session (tests and
 * benchmarks: starting Spark costs seconds). The time limit covers them all.
 */
export async function runSparkCheckBatch(request: SparkCheckRequest & { codes: string[] }): Promise<SparkCheckRun[]> {
  return runCheck(request, { codes: request.codes, count: request.codes.length });
}

/** Waits until a Spark JVM may start; resolves with what gives the turn back. */
export type SparkAdmission = Admission;

type Input = { stdin?: string; codes?: string[]; count: number };

async function runCheck(request: SparkCheckRequest, input: Input): Promise<SparkCheckRun[]> {
  const release = await (request.admission ?? (() => processSlots.acquire()))();
  try {
    return await runCheckNow(request, input);
  } finally {
    release();
  }
}

/** Without the course's admission (the CLI): this process's own limit on Spark Checks at once. */
const processSlots = new Slots(GRADER_DEFAULTS.sparkConcurrency);

async function runCheckNow(request: SparkCheckRequest, input: Input): Promise<SparkCheckRun[]> {
  // What the model predicts, from a process that runs no learner code; started first, so
  // that MLflow loads the model while the learner's process starts Spark.
  const cancel = new AbortController();
  const expected = computeIrisExpectedPredictions({
    pythonBin: request.pythonBin,
    trackingUri: request.trackingUri,
    workspace: request.workspace,
    modelUri: request.modelUri ?? DEFAULT_MODEL_URI,
    timeoutMs: request.timeoutMs,
    signal: cancel.signal,
    launcher: request.launcher,
  });
  expected.catch(() => undefined); // awaited below when needed; cancelled otherwise
  const gate = expected.then((reference) => ({ call: reference.kind === "predictions" }));
  gate.catch(() => undefined); // the learner's process stops on it (runLearnerCodeProcess)

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "spark-check-"));
  try {
    const args = [sparkCheckScript(), "--answer-fd", String(ANSWER_FD), "--gate-fd", String(GATE_FD)];
    for (const [index, code] of (input.codes ?? []).entries()) {
      const file = path.join(scratch, `snippet-${index + 1}.py`);
      fs.writeFileSync(file, code);
      args.push(file);
    }
    const launch = (request.launcher ?? launchDirectly)({
      command: request.pythonBin,
      args,
      env: helperEnv(request, scratch),
      cwd: scratch,
      writable: [scratch],
      readOnlyFiles: [sparkCheckScript(), ...helperContractFiles(sparkCheckScript(), ["spark-check-stage", "spark-check-answer"])],
    });
    const result = await runLearnerCodeProcess(launch.command, launch.args, {
      env: launch.env,
      cwd: launch.cwd,
      stdin: input.stdin ?? "",
      timeoutMs: request.timeoutMs,
      gate,
    });
    // Stopped because MLflow failed while the learner's code waited for it: MLflow's failure.
    if (result.gateFailed) await expected;
    const runs = readAnswers(result, input.count, request.timeoutMs);
    if (!runs.some(needsReference)) return measureRuns(runs, undefined);
    return measureRuns(runs, await expected);
  } finally {
    cancel.abort(); // no-op once the expected predictions are in
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The helpers' environment policy, with Spark's Python workers, TMPDIR and Spark's local folders in the scratch folder. */
export function helperEnv(request: SparkCheckRequest, scratch: string): Env {
  return {
    ...helperProcessEnv(request),
    PYTHONDONTWRITEBYTECODE: "1",
    // Spark's Python workers must be the course's Python (pandas, MLflow), not the system one.
    PYSPARK_PYTHON: request.pythonBin,
    PYSPARK_DRIVER_PYTHON: request.pythonBin,
    TMPDIR: scratch,
    SPARK_LOCAL_DIRS: scratch,
  };
}

/** What the learner's process did: its answer channel, as written, and how it ended. */
export type LearnerProcessResult = {
  /** Everything written to the answer channel (up to MAX_ANSWER_BYTES). */
  answer: string;
  /** More than MAX_ANSWER_BYTES were written to it; the process was stopped there. */
  answerOverflow: boolean;
  stderrTail: string;
  /** The last stage the helper announced, with what it had found by then (as written: unchecked). */
  lastStage?: { stage: SparkStage; found: unknown };
  timedOut: boolean;
  /** The expected predictions failed while the process ran, so it was stopped. */
  gateFailed: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
};

/**
 * Starts the process that runs the learner's code, and waits for it and its
 * whole process group to end. The only place such a process is started (a
 * sandbox launcher wraps this): `command args` with `env` in `cwd`, the code on
 * stdin, the answer channel on file descriptor 3, the grader's word (`gate`,
 * one JSON line, once it resolves) on file descriptor 4. At `timeoutMs`, when
 * the gate fails or when the answer channel overflows, the group is killed.
 */
export async function runLearnerCodeProcess(
  command: string,
  args: string[],
  options: { env: Env; cwd: string; stdin: string; timeoutMs: number; gate: Promise<unknown> },
): Promise<LearnerProcessResult> {
  const answer = new CappedText({ maxChars: MAX_ANSWER_BYTES, keep: "head" });
  const stderrTail = new CappedText({ maxChars: 20_000, keep: "tail" });
  let pending = "";
  let lastStage: LearnerProcessResult["lastStage"];
  let gateFailed = false;

  const readLine = (line: string) => {
    if (line.startsWith(SPARK_STAGE_PREFIX)) {
      try {
        const parsed = JSON.parse(line.slice(SPARK_STAGE_PREFIX.length)) as { stage?: unknown; found?: unknown };
        // The stage alone decides what ran; what was found is checked only if it is used (stoppedRun).
        const stage = sparkStageLineSchema.shape.stage.safeParse(parsed.stage);
        if (stage.success) lastStage = { stage: stage.data, found: parsed.found };
      } catch {
        // a learner's print that merely looks like one
      }
      return;
    }
    stderrTail.append(`${line}\n`);
  };
  // The helper sends file descriptor 1 to stderr; whatever still comes on stdout is output too.
  const readOutput = (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) readLine(line);
  };

  try {
    // Its own process group, which its JVM and workers join: the time limit kills them all,
    // with SIGKILL at once (learner code may ignore SIGTERM).
    const result = await runProcess(
      { command, args, env: options.env, cwd: options.cwd },
      {
        stdin: options.stdin,
        timeoutMs: options.timeoutMs,
        killGraceMs: 0,
        stdout: { maxChars: 0, keep: "tail" },
        stderr: { maxChars: 0, keep: "tail" },
        onOutput: readOutput,
        extraPipes: 2,
        withPipes: (pipes, group) => {
          const answerStream = pipes[ANSWER_FD - 3];
          const gateStream = pipes[GATE_FD - 3];
          answerStream.setEncoding("utf8").on("data", (chunk: string) => {
            if (!answer.append(chunk)) group.kill();
          });
          answerStream.on("error", () => undefined);
          gateStream.on("error", () => undefined); // the process may be gone before the word comes
          void group.exited.then(() => {
            if (!gateStream.destroyed) gateStream.destroy();
          });
          options.gate.then(
            (word) => {
              if (!group.leaderEnded() && !gateStream.destroyed) gateStream.end(`${JSON.stringify(word)}\n`);
            },
            () => {
              if (group.leaderEnded()) return;
              gateFailed = true;
              group.kill();
            },
          );
        },
      },
    );
    if (pending) readLine(pending);
    return {
      answer: answer.text,
      answerOverflow: answer.truncated,
      stderrTail: stderrTail.text,
      lastStage,
      timedOut: result.timedOut,
      gateFailed,
      exitCode: result.code,
      signal: result.signal,
    };
  } catch (error) {
    if (error instanceof SpawnError) throw new PlatformError(`could not start the course's Python at ${command} (${error.cause.message})`);
    throw error;
  }
}

/** One piece of code as the learner's process reported it, before the grader measured anything. */
export type HelperRun =
  | { kind: "finished"; found: HelperFound }
  | Extract<SparkCheckRun, { kind: "stopped" }>
  | Extract<SparkCheckRun, { kind: "unreadable" }>;

/**
 * The learner process's answers, one per piece of code, in order. The helper
 * writes exactly one line `{"code": i, ...}` per piece of code, in order, and
 * nothing else; the learner's code runs in the same process and may write to
 * the channel too. So: a line for the piece of code expected next is its
 * answer; anything else (a second answer for an earlier one, a line that is not
 * an answer, an answer for a later one) makes the piece of code it was written
 * during (the one after the last answer) "unreadable", and so does an
 * overflow. Never throws on what the channel holds; throws PlatformError when
 * the helper itself failed (Spark could not start, or it ended without an
 * answer while the platform was starting).
 */
export function readAnswers(result: LearnerProcessResult, count: number, timeoutMs: number): HelperRun[] {
  const answers: (HelperAnswer | undefined)[] = new Array(count).fill(undefined);
  const problems: (string | undefined)[] = new Array(count).fill(undefined);
  let next = 0;
  const blame = (index: number, problem: string) => {
    const at = Math.min(index, count - 1);
    problems[at] ??= problem;
  };
  const lines = result.answer.split("\n");
  // A last line without its newline was cut short (overflow, or the process was stopped while writing).
  const complete = result.answer.endsWith("\n") ? lines.slice(0, -1) : lines;
  for (const [index, line] of complete.entries()) {
    if (!line.trim()) continue;
    const cutShort = index === complete.length - 1 && !result.answer.endsWith("\n");
    const answer = cutShort ? undefined : parseAnswer(line);
    if (!answer) blame(next, `its answer channel held something that is not an answer (${code(snippet(line, 80))})`);
    else if (answer.code === next && next < count) answers[next++] = answer;
    else if (answer.code < next) blame(answer.code, "its answer channel held more than one answer");
    else blame(next, "its answer channel held an answer out of turn");
  }
  if (result.answerOverflow) blame(next, `more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB were written to its answer channel`);

  for (const [index, answer] of answers.entries()) {
    if (answer && "error" in answer && problems[index] === undefined) throw platformFailure(answer.error);
  }

  const runs: HelperRun[] = [];
  for (let index = 0; index < count; index++) {
    const answer = answers[index];
    const problem = problems[index];
    if (problem !== undefined) runs.push({ kind: "unreadable", problem, found: EMPTY_FINDINGS });
    else if (answer && "found" in answer) runs.push({ kind: "finished", found: answer.found });
    else {
      // Stopped (or ended) before answering: this piece of code was running.
      runs.push(stoppedRun(result, timeoutMs));
      break;
    }
    if (!answer) break; // unreadable and never answered: the process ended there
  }
  if (runs.length < count) throw new PlatformError(`the Spark check helper stopped after ${runs.length} of ${count} pieces of code`);
  return runs;
}

function parseAnswer(line: string): HelperAnswer | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = helperAnswerSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function stoppedRun(result: LearnerProcessResult, timeoutMs: number): HelperRun {
  const stage = result.lastStage?.stage ?? "start";
  // Only what the learner's function did: a stage line cannot carry a verdict.
  const partial = helperFoundSchema.safeParse(result.lastStage?.found ?? {});
  const found = partial.success ? partial.data.findings : EMPTY_FINDINGS;
  if (result.timedOut) return { kind: "stopped", reason: "timeout", stage, found, timeoutMs };
  const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
  if (stage === "start" || stage === "compile" || stage === "done") {
    throw new PlatformError(`the Spark check helper ended without an answer (${how}: ${lastLine(result.stderrTail)})`);
  }
  return { kind: "stopped", reason: "exited", stage, found, exit: how };
}

/** The learner's function got as far as being called (or would have been, with a version in Staging). */
function needsReference(run: HelperRun): boolean {
  return run.kind === "finished" && run.found.findings.acceptsSparkAndDf === true;
}

/**
 * Completes the learner process's reports with what the grader measures:
 * "no version in Staging" (then the function was not called), or the
 * agreement of the returned rows with the expected predictions. A report that
 * stops short of what the helper always reports is unreadable: only the
 * learner's code can have written it.
 */
export function measureRuns(runs: HelperRun[], reference: DatasetPredictions | undefined): SparkCheckRun[] {
  return runs.map((run): SparkCheckRun => {
    if (run.kind !== "finished") return run;
    const { findings, resultRows, rowCount } = run.found;
    if (needsReference(run)) {
      if (!reference) throw new Error("the expected predictions are needed but were not computed");
      if (reference.kind === "model_not_found") return { kind: "finished", found: { ...findings, noStaging: reference.message } };
    }
    const missing = missingFinding(run.found);
    if (missing) return { kind: "unreadable", problem: `its answer lacks ${missing}`, found: EMPTY_FINDINGS };
    if (resultRows === undefined || findings.exception || reference?.kind !== "predictions") return { kind: "finished", found: findings };
    return { kind: "finished", found: { ...findings, ...measureAgreement(reference, resultRows, rowCount) } };
  });
}

/** What a finished answer should say next but does not (the helper always goes on until one of these ends it). */
function missingFinding({ findings: f, resultRows }: HelperFound): string | undefined {
  if (f.syntaxError || f.exception) return undefined;
  if (f.defined === undefined) return "whether the function is defined";
  if (!f.defined) return undefined;
  if (f.callable === undefined) return "whether the function is callable";
  if (!f.callable) return undefined;
  if (f.acceptsSparkAndDf === undefined) return "whether the function takes (spark, df)";
  if (!f.acceptsSparkAndDf) return undefined;
  if (f.isDataFrame === undefined) return "what the function returned";
  if (!f.isDataFrame) return undefined;
  if (f.columns === undefined) return "the returned DataFrame's columns";
  if (!f.columns.includes(LABEL) || IRIS_COLUMNS.some((name) => !f.columns!.includes(name))) return undefined;
  if (resultRows === undefined) return "the returned DataFrame's rows";
  return undefined;
}

function platformFailure(error: { kind: string; message: string }): PlatformError {
  if (error.kind === "spark_failed") return new PlatformError(firstLine(error.message));
  return new PlatformError(`the Spark check helper failed (${error.kind}: ${firstLine(error.message)})`);
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function snippet(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function firstLine(text: string): string {
  return snippet(text.trim().split("\n")[0] ?? "") || "no details";
}

function lastLine(text: string): string {
  return snippet(text.trim().split("\n").at(-1) ?? "") || "no output";
}
