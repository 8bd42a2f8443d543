import path from "node:path";
import { runProcess } from "@/lib/process/run-process";

/**
 * The one runner of the tests' Python fixtures (scripts that log runs, register and stage models
 * against a real MLflow): the course's Python, this process's environment with MLflow's address,
 * no MLflow workspace (a fixture picks its own), a time limit that ends the fixture's whole
 * process group. Resolves with its stdout; throws with the end of its stderr when it fails.
 * Used by grader/testing/run-fixtures.ts and server/testing/python-fixture.ts.
 */
export async function runPythonFixture(request: {
  pythonBin: string;
  script: string;
  args?: string[];
  trackingUri: string;
  cwd?: string;
  timeoutMs?: number;
}): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: request.trackingUri, PYTHONUNBUFFERED: "1", MLFLOW_DISABLE_TELEMETRY: "true" };
  delete env.MLFLOW_WORKSPACE;
  const args = request.args ?? [];
  const { code, signal, stdout, stderr, timedOut } = await runProcess(
    { command: request.pythonBin, args: [request.script, ...args], env, cwd: request.cwd ?? path.dirname(request.script) },
    { timeoutMs: request.timeoutMs ?? 180_000, stderr: { maxChars: 8000, keep: "tail" } },
  );
  if (code !== 0) {
    const how = timedOut ? `timed out after ${Math.round((request.timeoutMs ?? 180_000) / 1000)} s` : `exit ${code ?? signal}`;
    throw new Error(`fixture ${[path.basename(request.script), ...args].join(" ")} failed (${how}):\n${stderr.slice(-4000)}`);
  }
  return stdout;
}
