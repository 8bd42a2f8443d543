// `npm run check -- <exercise>`: the grader's command line (grader/cli.ts), with the few values it
// needs read from the environment here. It grades MLflow's state only, so it checks only the
// variables it uses: a bad DATABASE_URL, say, is no reason to refuse to grade.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { runCli } from "../grader/cli";
import { browserHostFor, httpUrl, port } from "../server/config/config";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const graderEnvSchema = z.object({
  MLFLOW_TRACKING_URI: httpUrl("MLFLOW_TRACKING_URI"),
  MLFLOW_PORT: port("MLFLOW_PORT", 5000),
  PORT: port("PORT", 3000),
  HOST: z.string().optional(),
});

function learnerName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "learner";
  }
}

const parsed = graderEnvSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`error: ${parsed.error.issues.map((issue) => issue.message).join("; ")}\n`);
  process.exit(2);
}
const env = parsed.data;
const browserHost = browserHostFor(env.HOST?.trim() || "127.0.0.1");

runCli(
  process.argv.slice(2),
  {
    mlflowUrl: env.MLFLOW_TRACKING_URI ?? `http://127.0.0.1:${env.MLFLOW_PORT}`,
    mlflowExternal: env.MLFLOW_TRACKING_URI !== undefined,
    siteUrl: `http://${browserHost}:${env.PORT}`,
    pythonBin: path.join(projectRoot, ".venv", "bin", "python"),
    learner: learnerName(),
  },
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  },
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug in the grader: one line, no stack trace, and still exit 2.
    process.stderr.write(`error: the grader failed unexpectedly (${error instanceof Error ? error.message : String(error)})\n`);
    process.exitCode = 2;
  },
);
