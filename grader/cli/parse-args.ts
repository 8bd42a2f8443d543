import { parseArgs } from "node:util";

export type CliArgs =
  | { kind: "help" }
  | { kind: "grade"; exercises: "all" | string; modelServerUrl?: string; attempt: number }
  | { kind: "usage-error"; message: string };

export const USAGE = `usage: npm run check -- <exercise> [--model-server URL] [--attempt N]
       npm run check -- --all [--model-server URL]

Grades an exercise against your MLflow (MLFLOW_TRACKING_URI, default http://127.0.0.1:5000).
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
  if (values.all) {
    if (positionals.length > 0) return { kind: "usage-error", message: "give either an exercise or --all, not both" };
    return { kind: "grade", exercises: "all", modelServerUrl, attempt };
  }
  if (positionals.length !== 1) return { kind: "usage-error", message: positionals.length === 0 ? "which exercise?" : "give one exercise (or --all)" };
  return { kind: "grade", exercises: positionals[0], modelServerUrl, attempt };
}
