import path from "node:path";
import { runPythonFixture } from "@/grader/testing/python-fixture";

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/** Runs a Python fixture from server/testing/fixtures against an MLflow and parses its last line as JSON. */
export async function runFixture<T>(script: string, mlflowUrl: string, args: string[] = []): Promise<T> {
  const stdout = await runPythonFixture({
    pythonBin: path.join(projectRoot, ".venv", "bin", "python"),
    script: path.join(projectRoot, "server", "testing", "fixtures", script),
    args,
    trackingUri: mlflowUrl,
    // As before: the fixtures run from the caller's folder.
    cwd: process.cwd(),
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
