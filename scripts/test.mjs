// `npm test`: install what is missing (Node and Python packages, Debian's
// Chromium), build the site, then run every test: unit (vitest, and pytest for
// python/), integration against real MLflow and Jupyter, and Playwright in real
// Chromium.
//   npm test                 everything
//   npm test -- unit e2e     only the named stages (unit, integration, e2e)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootstrap, projectRoot, step } from "./bootstrap.mjs";
import { withTestPostgres } from "./testing/postgres.mjs";

const STAGES = ["unit", "integration", "e2e"];
const asked = process.argv.slice(2).filter((arg) => STAGES.includes(arg));
const stages = asked.length ? asked : STAGES;

await bootstrap({
  build: stages.includes("e2e") || stages.includes("integration"),
  browser: stages.includes("e2e"),
  sandboxRequired: stages.includes("integration"),
  gateway: stages.includes("integration"),
  multiHost: stages.includes("integration"),
});

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-training-reports-"));
const bin = (name) => path.join(projectRoot, "node_modules", ".bin", name);
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.CI ? "0" : "1" };

function runVitest(project) {
  const output = path.join(reportDir, `${project}.json`);
  const result = spawnSync(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${output}`], {
    cwd: projectRoot,
    stdio: "inherit",
    env,
  });
  const report = readJson(output);
  return {
    passed: report?.numPassedTests ?? 0,
    failed: (report?.numFailedTests ?? 0) + (report ? 0 : 1),
    skipped: (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0),
    ok: result.status === 0,
  };
}

/** The Python unit tests (python/tests/): the launcher's parts and the contracts' JSON Schemas. */
function runPytest() {
  const output = path.join(reportDir, "python.xml");
  const result = spawnSync(path.join(projectRoot, ".venv", "bin", "python"), ["-m", "pytest", "python/tests", "-q", "-p", "no:cacheprovider", `--junitxml=${output}`], {
    cwd: projectRoot,
    stdio: "inherit",
    env,
  });
  const counts = readJunitCounts(output);
  const failed = counts ? counts.failures + counts.errors : 1;
  return {
    passed: counts ? counts.tests - counts.failures - counts.errors - counts.skipped : 0,
    failed,
    skipped: counts?.skipped ?? 0,
    ok: result.status === 0,
  };
}

/** The totals of a JUnit XML report (pytest's --junitxml): its first <testsuite>'s attributes. */
function readJunitCounts(file) {
  let xml;
  try {
    xml = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0];
  if (!suite) return null;
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  return { tests: count("tests"), failures: count("failures"), errors: count("errors"), skipped: count("skipped") };
}

function runPlaywright() {
  const output = path.join(reportDir, "e2e.json");
  const result = spawnSync(bin("playwright"), ["test", "--reporter=list,json"], {
    cwd: projectRoot,
    stdio: "inherit",
    env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: output },
  });
  const stats = readJson(output)?.stats;
  return {
    passed: stats?.expected ?? 0,
    failed: (stats?.unexpected ?? 0) + (stats?.flaky ?? 0) + (stats ? 0 : 1),
    skipped: stats?.skipped ?? 0,
    ok: result.status === 0,
  };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const results = {};
for (const stage of stages) {
  step(`Running the ${stage} tests...`);
  if (stage === "integration") {
    // The progress store is also tested on a real PostgreSQL: installed from Debian's
    // packages if missing, a throwaway cluster started for this stage only, its URL put
    // in `env` as TEST_DATABASE_URL, and stopped and deleted afterwards (also on failure).
    results[stage] = await withTestPostgres(env, () => runVitest(stage));
    continue;
  }
  results[stage] = stage === "e2e" ? runPlaywright() : runVitest(stage);
  if (stage === "unit") results["unit (python)"] = runPytest();
}
fs.rmSync(reportDir, { recursive: true, force: true });

console.log("\nSummary");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [stage, r] of Object.entries(results)) {
  passed += r.passed;
  failed += r.failed + (r.ok || r.failed ? 0 : 1);
  skipped += r.skipped;
  console.log(`  ${stage.padEnd(14)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""}${r.ok ? "" : "  <- FAILED"}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(Object.values(results).every((r) => r.ok) ? 0 : 1);
