import { parseArgs } from "node:util";

export type CliArgs =
  | { kind: "help" }
  | { kind: "grade"; exercises: "all" | string; modelServerUrl?: string; attempt: number; /** The learner's code (spark-integration). */ file?: string }
  | { kind: "usage-error"; message: string };

export const USAGE = `usage: npm run check -- <exercise> [--model-server URL] [--attempt N]
       npm run check -- spark-integration --file path/to/code.py
       npm run check -- --all [--model-server URL] [--file path/to/code.py]

Grades an exercise against your MLflow (MLFLOW_TRACKING_URI, default http://127.0.0.1:5000).
spark-integration grades code: --file names the Python file that defines
predict_label_with_mlflow_udf(spark, df); it runs in a fresh Spark session.
Exit status: 0 all checks passed, 1 a check failed, 2 the grader could not do its job.`;

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        all: { type: "boolean" },
        "model-server": { type: "string" },
        attempt: { type: "string" },
        file: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return { kind: "usage-error", message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const attempt = values.attempt === undefined ? 1 : Number(values.attempt);
  if (!Number.isInteger(attempt) || attempt < 1) return { kind: "usage-error", message: `--attempt must be a whole number of at least 1 (got "${values.attempt}")` };
  const modelServerUrl = values["model-server"];
  if (modelServerUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(modelServerUrl)) {
    return { kind: "usage-error", message: `--model-server must be an http(s) URL such as http://127.0.0.1:5050 (got "${modelServerUrl}")` };
  }
  const file = values.file;
  if (file !== undefined && !file.trim()) return { kind: "usage-error", message: "--file needs the path of a Python file" };
  const extra = file !== undefined ? { file } : {};
  if (values.all) {
    if (positionals.length > 0) return { kind: "usage-error", message: "give either an exercise or --all, not both" };
    return { kind: "grade", exercises: "all", modelServerUrl, attempt, ...extra };
  }
  if (positionals.length !== 1) return { kind: "usage-error", message: positionals.length === 0 ? "which exercise?" : "give one exercise (or --all)" };
  return { kind: "grade", exercises: positionals[0], modelServerUrl, attempt, ...extra };
}
