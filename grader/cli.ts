/**
 * `npm run check -- <exercise>` / `--all` (entry point: scripts/check.ts): the course's stand-in
 * for the tutorial's pytest runs, for learners working in their own Jupyter or terminal. A thin
 * view over grade(): parse, grade, print, exit.
 *   0 every check passed, 1 a check failed, 2 the grader could not do its job.
 */
import fs from "node:fs";
import { formatReport, summaryLine } from "./cli/format-report";
import { parseCliArgs, USAGE } from "./cli/parse-args";
import { EXERCISE_IDS, EXERCISES, grade, isExerciseId, type ExerciseId } from "./grade";
import { createMlflowClient, isMlflowUnavailableError } from "@/lib/mlflow";
import type { CheckResult } from "./report";

type Output = { out: (text: string) => void; err: (text: string) => void; color: boolean };

/** The few things the grader needs from where it runs (scripts/check.ts reads them from the environment). */
export type GraderSetup = {
  mlflowUrl: string;
  /** MLFLOW_TRACKING_URI was given (else the course's own MLflow is assumed). */
  mlflowExternal: boolean;
  /** Where the course site's links point (the MLflow UI under it). */
  siteUrl: string;
  pythonBin: string;
  learner: string;
};

export async function runCli(argv: string[], setup: GraderSetup, output: Output): Promise<number> {
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

  const mlflow = { baseUrl: setup.mlflowUrl };

  // One cheap call first: with MLflow down, say so in one line instead of a report full of errors.
  try {
    await createMlflowClient(mlflow).searchExperiments({ maxResults: 1 });
  } catch (error) {
    if (!isMlflowUnavailableError(error)) throw error;
    output.err(`error: could not grade ${ids.length === 1 ? ids[0] : "the exercises"}: ${error.message}. ${startAdvice(setup.mlflowExternal)}`);
    return 2;
  }

  const all: CheckResult[] = [];
  let exitCode = 0;
  for (const id of ids) {
    const report = await grade(id, {
      mlflow,
      learner: setup.learner,
      attempt: args.attempt,
      modelServerUrl: args.modelServerUrl,
      learnerCode: CODE_EXERCISES.has(id) ? learnerCode : undefined,
      pythonBin: setup.pythonBin,
    });
    output.out(formatReport(report, { siteUrl: setup.siteUrl, color: output.color, title: EXERCISES[id].title }));
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
