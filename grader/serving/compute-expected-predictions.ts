import type { Admission } from "@/lib/concurrency/slots";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PlatformError } from "../platform-error";
import { launchDirectly, type ProcessLauncher } from "@/lib/process/launch";
import { runProcess, SpawnError } from "@/lib/process/run-process";
import { helperProcessEnv } from "@/lib/process/child-env";
import { expectedPredictionsAnswerSchema, type ExpectedPredictionsAnswer } from "@/contracts/helper-answers";
import { helperContractFiles } from "../helper-files";

/**
 * What `models:/IrisModel/Staging` predicts when MLflow itself loads it, from
 * `python/expected_predictions.py` run with the course's Python. A model that
 * does not resolve is the learner's business (returned); MLflow being down, a
 * crash or a timeout is the platform's (thrown as PlatformError).
 */
export type ExpectedPredictions = { kind: "predictions"; predictions: unknown[] } | { kind: "model_not_found"; message: string };

/** Waits for a helper's turn (the course: a helper slot); resolves with what gives the turn back. */
export type HelperAdmission = Admission;

const SCRIPT = "expected_predictions.py";

/**
 * Resolved when called, not at import, and checked: inside the Next.js server
 * bundle `import.meta.dirname` is undefined or a chunk folder, while the site
 * (like the CLI) runs from the project root.
 */
export function expectedPredictionsScript(): string {
  const here = (import.meta as { dirname?: string }).dirname;
  const besideSource = here ? path.resolve(/* turbopackIgnore: true */ here, "..", "..", "python", SCRIPT) : undefined;
  if (besideSource && fs.existsSync(besideSource)) return besideSource;
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), "python", SCRIPT);
}

export async function computeExpectedPredictions(request: {
  pythonBin: string;
  trackingUri: string;
  workspace?: string;
  modelUri: string;
  rows: number[][];
  columns: string[];
  timeoutMs: number;
  launcher?: ProcessLauncher;
  admission?: HelperAdmission;
}): Promise<ExpectedPredictions> {
  const { answer } = await runExpectedPredictions(request, { rows: request.rows, columns: request.columns, model_uri: request.modelUri });
  return answer;
}

/** What the model predicts for a data set the helper loads itself, with the rows it predicted. */
export type DatasetPredictions =
  | { kind: "predictions"; rows: unknown[][]; columns: string[]; predictions: unknown[] }
  | { kind: "model_not_found"; message: string };

/**
 * The same for the 150 rows of scikit-learn's iris data set (`load_iris(as_frame=True)`,
 * the four columns of IRIS_COLUMNS), which the spark-integration check compares a learner's
 * labels with. `signal` stops the helper when its answer is no longer needed.
 */
export async function computeIrisExpectedPredictions(request: {
  pythonBin: string;
  trackingUri: string;
  workspace?: string;
  modelUri: string;
  timeoutMs: number;
  signal?: AbortSignal;
  launcher?: ProcessLauncher;
  admission?: HelperAdmission;
}): Promise<DatasetPredictions> {
  const { answer, raw } = await runExpectedPredictions(request, { dataset: "iris", model_uri: request.modelUri }, request.signal);
  if (answer.kind === "model_not_found") return answer;
  const rows = raw && "rows" in raw ? raw.rows : undefined;
  const columns = raw && "columns" in raw ? raw.columns : undefined;
  if (!rows || !columns) throw new PlatformError("the expected-predictions helper did not return the iris rows it predicted");
  if (rows.length !== answer.predictions.length) {
    throw new PlatformError(`MLflow returned ${answer.predictions.length} predictions for ${rows.length} iris rows`);
  }
  return { kind: "predictions", rows, columns, predictions: answer.predictions };
}

async function runExpectedPredictions(
  request: { pythonBin: string; trackingUri: string; workspace?: string; timeoutMs: number; launcher?: ProcessLauncher; admission?: HelperAdmission },
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<{ answer: ExpectedPredictions; raw: ExpectedPredictionsAnswer | undefined }> {
  // Its time limit starts with its turn: a class's Checks at once wait for the machine's helper slots first.
  const release = request.admission ? await request.admission() : undefined;
  try {
    return await runAdmitted(request, body, signal);
  } finally {
    release?.();
  }
}

async function runAdmitted(
  request: { pythonBin: string; trackingUri: string; workspace?: string; timeoutMs: number; launcher?: ProcessLauncher },
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<{ answer: ExpectedPredictions; raw: ExpectedPredictionsAnswer | undefined }> {
  if (signal?.aborted) throw new PlatformError("computing the expected predictions was cancelled");
  const env = helperProcessEnv(request);

  // It loads the learner's (pickled) model: started like learner code, in the learner's sandbox when there is one.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "expected-predictions-"));
  const launch = (request.launcher ?? launchDirectly)({
    command: request.pythonBin,
    args: [expectedPredictionsScript()],
    env,
    cwd: scratch,
    writable: [scratch],
    readOnlyFiles: [expectedPredictionsScript(), ...helperContractFiles(expectedPredictionsScript(), ["expected-predictions-answer"])],
  });
  const { code, stdout, stderr, timedOut, aborted } = await runProcess(launch, {
    stdin: JSON.stringify(body),
    timeoutMs: request.timeoutMs,
    // It runs a learner-made model, which may ignore SIGTERM.
    killGraceMs: 0,
    signal,
  })
    .catch((error: unknown) => {
      if (error instanceof SpawnError) throw new PlatformError(`could not start the course's Python at ${error.command} (${error.cause.message})`);
      throw error;
    })
    .finally(() => fs.rmSync(scratch, { recursive: true, force: true }));
  if (aborted) throw new PlatformError("computing the expected predictions was cancelled");
  if (timedOut) throw new PlatformError(`computing the expected predictions with MLflow took longer than ${Math.round(request.timeoutMs / 1000)} s`);

  const raw = parseAnswer(stdout);
  if (code === 0 && raw && "predictions" in raw) return { answer: { kind: "predictions", predictions: raw.predictions }, raw };
  const error = raw && "error" in raw ? raw.error : undefined;
  if (error?.kind === "model_not_found") return { answer: { kind: "model_not_found", message: error.message }, raw };
  if (error?.kind === "mlflow_unreachable") throw new PlatformError(`MLflow at ${request.trackingUri} is not reachable from the course's Python`);
  if (error?.kind === "invalid_answer") throw new PlatformError(`the expected-predictions helper's answer broke its contract (${firstLine(error.message)})`);
  if (error) throw new PlatformError(`MLflow could not compute the expected predictions (${error.kind}: ${firstLine(error.message)})`);
  throw new PlatformError(`the expected-predictions helper failed (exit ${code}: ${firstLine(lastLines(stderr))})`);
}

/** The helper's answer, stdout's last line; undefined when it is not one. */
function parseAnswer(stdout: string): ExpectedPredictionsAnswer | undefined {
  const line = stdout.trim().split("\n").at(-1);
  if (!line) return undefined;
  try {
    const parsed = expectedPredictionsAnswerSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string | undefined): string {
  const line = (text ?? "").trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || "no details";
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-1).join("\n");
}
