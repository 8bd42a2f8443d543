import { execFileSync } from "node:child_process";
import path from "node:path";

const projectRoot = path.resolve(import.meta.dirname, "..");

/** Runs a Python fixture script from e2e/fixtures against the test's MLflow and parses its JSON output. */
export function runPythonFixture<T>(script: string, args: string[] = []): T {
  const output = execFileSync(path.join(projectRoot, ".venv", "bin", "python"), [path.join(projectRoot, "e2e", "fixtures", script), ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: process.env.E2E_MLFLOW_URL },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(output.trim().split("\n").pop()!) as T;
}
