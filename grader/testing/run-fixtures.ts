import path from "node:path";
import { runPythonFixture } from "./python-fixture";

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
  // The runner picks workspaces itself.
  const stdout = await runPythonFixture({ pythonBin, script: path.join(FIXTURES_DIR, "run_fixtures.py"), args: specs, trackingUri, cwd: FIXTURES_DIR, timeoutMs: options.timeoutMs });
  const line = stdout.split("\n").find((l) => l.startsWith("FIXTURE_RESULTS "));
  if (!line) throw new Error(`fixtures ${specs.join(" ")} printed no FIXTURE_RESULTS line:\n${stdout.slice(-4000)}`);
  return JSON.parse(line.slice("FIXTURE_RESULTS ".length)) as Record<string, Record<string, string>>;
}
