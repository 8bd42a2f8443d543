// `npm run check -- <exercise>`: the grader's command line (grader/cli.ts), with the few values it
// needs read by the course's configuration (loadGraderSettings: only the variables it uses).
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../grader/cli";
import { ConfigError, loadGraderSettings, type GraderSettings } from "../server/config/config";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function learnerName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "learner";
  }
}

let settings: GraderSettings;
try {
  settings = loadGraderSettings(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`error: ${error.problems.join("; ")}\n`);
  process.exit(2);
}

runCli(
  process.argv.slice(2),
  {
    ...settings,
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
