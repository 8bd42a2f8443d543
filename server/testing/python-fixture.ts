import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/** Runs a Python fixture from server/testing/fixtures against an MLflow and parses its last line as JSON. */
export async function runFixture<T>(script: string, mlflowUrl: string, args: string[] = []): Promise<T> {
  const { stdout } = await run(path.join(projectRoot, ".venv", "bin", "python"), [path.join(projectRoot, "server", "testing", "fixtures", script), ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: mlflowUrl, MLFLOW_DISABLE_TELEMETRY: "true" },
    timeout: 180_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
