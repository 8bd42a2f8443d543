import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs fixture scripts from grader/fixtures/ with the course's Python against
 * a real MLflow, in one process (importing MLflow costs seconds). A spec is
 * `"script.py"` (default workspace) or `"workspace=script.py"`.
 */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, "..", "fixtures");

export async function runFixtures(
  pythonBin: string,
  trackingUri: string,
  specs: string[],
  options: { timeoutMs?: number } = {},
): Promise<Record<string, Record<string, string>>> {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: trackingUri, PYTHONUNBUFFERED: "1", MLFLOW_DISABLE_TELEMETRY: "true" };
    delete env.MLFLOW_WORKSPACE; // the runner picks workspaces itself
    const child = spawn(pythonBin, [path.join(FIXTURES_DIR, "run_fixtures.py"), ...specs], {
      cwd: FIXTURES_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
    child.once("error", reject);
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, stdout, stderr });
    });
  });
  const line = stdout.split("\n").find((l) => l.startsWith("FIXTURE_RESULTS "));
  if (code !== 0 || !line) throw new Error(`fixtures ${specs.join(" ")} failed (exit ${code}):\n${stderr.slice(-4000)}`);
  return JSON.parse(line.slice("FIXTURE_RESULTS ".length)) as Record<string, Record<string, string>>;
}
