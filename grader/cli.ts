/**
 * `npm run check -- <exercise>` / `--all`: the course's stand-in for the
 * tutorial's pytest runs, for learners working in their own Jupyter or
 * terminal. A thin view over grade(): parse, grade, print, exit.
 *   0 every check passed, 1 a check failed, 2 the grader could not do its job.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig, type Env } from "../server/config/config";
import { formatReport, summaryLine } from "./cli/format-report";
import { parseCliArgs, USAGE } from "./cli/parse-args";
import { EXERCISE_IDS, EXERCISES, grade, isExerciseId, type ExerciseId } from "./grade";
import { createMlflowClient, isMlflowUnavailableError } from "./mlflow";
import type { CheckResult } from "./report";

type Output = { out: (text: string) => void; err: (text: string) => void; color: boolean };

export async function runCli(argv: string[], env: Env, output: Output): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.kind === "help") {
    output.out(USAGE);
    return 0;
  }
  if (args.kind === "usage-error") {
    output.err(`error: ${args.message}\n${USAGE}`);
    return 2;
  }
  if (args.exercises !== "all" && !isExerciseId(args.exercises)) {
    output.err(`error: unknown exercise "${args.exercises}". Valid exercises: ${EXERCISE_IDS.join(", ")}`);
    return 2;
  }
  const ids: ExerciseId[] = args.exercises === "all" ? EXERCISE_IDS : [args.exercises as ExerciseId];
  if (args.file !== undefined && !ids.some((id) => CODE_EXERCISES.has(id))) {
    output.err(`error: --file gives the code of ${[...CODE_EXERCISES].join(", ")}; ${ids[0]} is graded from what is in MLflow`);
    return 2;
  }
  let learnerCode: string | undefined;
  if (args.file !== undefined) {
    try {
      learnerCode = fs.readFileSync(args.file, "utf8");
    } catch (error) {
      output.err(`error: cannot read --file ${args.file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
      return 2;
    }
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      output.err(`error: ${error.problems.join("; ")}`);
      return 2;
    }
    throw error;
  }
  const mlflow = { baseUrl: config.mlflow.url };

  // One cheap call first: with MLflow down, say so in one line instead of a report full of errors.
  try {
    await createMlflowClient(mlflow).searchExperiments({ maxResults: 1 });
  } catch (error) {
    if (!isMlflowUnavailableError(error)) throw error;
    output.err(`error: could not grade ${ids.length === 1 ? ids[0] : "the exercises"}: ${error.message}. ${startAdvice(config.mlflow.external)}`);
    return 2;
  }

  const all: CheckResult[] = [];
  let exitCode = 0;
  for (const id of ids) {
    const report = await grade(id, {
      mlflow,
      learner: learnerName(env),
      attempt: args.attempt,
      modelServerUrl: args.modelServerUrl,
      learnerCode: CODE_EXERCISES.has(id) ? learnerCode : undefined,
      pythonBin: path.join(config.python.bin, "python"),
    });
    output.out(formatReport(report, { siteUrl: config.site.url, color: output.color, title: EXERCISES[id].title }));
    all.push(...report.checks);
    if (report.status === "error") {
      output.err(`error: the grading of ${id} is incomplete: a check could not run (see ERROR above); this is not a failed attempt.`);
      exitCode = 2;
    } else if (report.status === "failed" && exitCode === 0) {
      exitCode = 1;
    }
    if (ids.length > 1) output.out("");
  }
  if (ids.length > 1) output.out(`all exercises: ${summaryLine(all)}`);
  return exitCode;
}

/** Exercises graded from the learner's code (`--file`) rather than from MLflow's state. */
const CODE_EXERCISES: ReadonlySet<ExerciseId> = new Set(["spark-integration"]);

function startAdvice(external: boolean): string {
  return external
    ? "Check that MLFLOW_TRACKING_URI points at a running MLflow server."
    : "Start the course with `npm start` (it runs MLflow), or set MLFLOW_TRACKING_URI to your MLflow server.";
}

function learnerName(env: Env): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? "learner";
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  runCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A bug in the grader: one line, no stack trace, and still exit 2.
      process.stderr.write(`error: the grader failed unexpectedly (${error instanceof Error ? error.message : String(error)})\n`);
      process.exitCode = 2;
    },
  );
}
