// bench/check-latency: how long the Check button's grading of `tracking-exercise` takes.
//   figure:   grade("tracking-exercise") through the grader's REST client, in this process
//   baseline: the same checks as a PyTest file in the original tutorial's style (MlflowClient),
//             run in a fresh `python -m pytest` process each time, as a learner would run it
// Both against the same real MLflow (temp folder, free port) holding a passing state made by
// the exercise's solution (grader/fixtures/tracking_exercise_pass.py), in the same run.
// One warm-up run of each is left out of the figures.
//   npx tsx bench/check-latency.ts [gradings=20] [pytest-runs=20]
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { grade } from "../grader/grade";
import { runFixtures } from "../grader/testing/run-fixtures";
import { startTempCourse } from "../server/testing/temp-course";
import { summarize } from "./stats";

const gradings = Number(process.argv[2] ?? 20);
const pytestRuns = Number(process.argv[3] ?? 20);

// The tutorial's test file checked existence, not-deleted and runs; this one also checks
// what the grader checks, so that both do the same work.
const PYTEST_FILE = `
import yaml
import mlflow
from mlflow.tracking import MlflowClient

EXPERIMENT_NAME = "Tracking-Exercise"


def get_experiment():
    return MlflowClient().get_experiment_by_name(EXPERIMENT_NAME)


def test_experiment_exists():
    assert get_experiment() is not None


def test_experiment_not_deleted():
    assert get_experiment().lifecycle_stage != "deleted"


def test_experiment_has_runs():
    assert len(MlflowClient().search_runs([get_experiment().experiment_id])) > 0


def run_is_complete(client, run):
    if run.data.tags.get("notebook-type") != "exercise":
        return False
    if not any(not f.is_dir for f in client.list_artifacts(run.info.run_id, "input_data")):
        return False
    if not any(not f.is_dir for f in client.list_artifacts(run.info.run_id, "output_data")):
        return False
    if not run.data.params.get("num_trees", "").isdigit() or int(run.data.params["num_trees"]) < 1:
        return False
    if not 0 <= run.data.metrics.get("accuracy", -1) <= 1:
        return False
    for output in run.outputs.model_outputs:
        model = client.get_logged_model(output.model_id)
        if model.name == "model" and model.source_run_id == run.info.run_id and model.status == "READY":
            mlmodel = mlflow.artifacts.load_text(model.artifact_location + "/MLmodel")
            if "sklearn" in yaml.safe_load(mlmodel)["flavors"]:
                return True
    return False


def test_a_run_has_everything():
    client = MlflowClient()
    runs = client.search_runs([get_experiment().experiment_id])
    assert any(run_is_complete(client, run) for run in runs)
`;

const course = await startTempCourse(["mlflow"]);
try {
  const python = path.join(course.config.python.bin, "python");
  const mlflowUrl = course.config.mlflow.url;
  await runFixtures(python, mlflowUrl, ["tracking_exercise_pass.py"]);

  const gradeOnce = async () => {
    const started = performance.now();
    const report = await grade("tracking-exercise", { mlflow: { baseUrl: mlflowUrl }, learner: "bench" });
    const ms = performance.now() - started;
    if (report.status !== "passed") throw new Error(`grading did not pass: ${JSON.stringify(report.checks, null, 1)}`);
    return ms;
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-check-latency-"));
  const testFile = path.join(dir, "test_mlflow_tracking.py");
  fs.writeFileSync(testFile, PYTEST_FILE);
  const pytestOnce = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      execFile(
        python,
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", testFile],
        { cwd: dir, env: { ...process.env, MLFLOW_TRACKING_URI: mlflowUrl, MLFLOW_DISABLE_TELEMETRY: "true" } },
        (error, stdout) => {
          const ms = performance.now() - started;
          if (error || !/4 passed/.test(stdout)) reject(new Error(`pytest did not pass:\n${stdout}`));
          else resolve(ms);
        },
      );
    });

  await gradeOnce();
  const gradeTimes: number[] = [];
  for (let i = 0; i < gradings; i += 1) gradeTimes.push(await gradeOnce());

  await pytestOnce();
  const pytestTimes: number[] = [];
  for (let i = 0; i < pytestRuns; i += 1) pytestTimes.push(await pytestOnce());
  fs.rmSync(dir, { recursive: true, force: true });

  const g = summarize(gradeTimes);
  const p = summarize(pytestTimes);
  const fmt = (ms: number) => `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;
  console.log(`check-latency on ${os.cpus().length} cores, MLflow ${await (await fetch(`${mlflowUrl}/version`)).text()}`);
  console.log(`grade("tracking-exercise")     n=${g.n}  median ${fmt(g.median)}  p95 ${fmt(g.p95)}`);
  console.log(`pytest, fresh process (base)   n=${p.n}  median ${fmt(p.median)}  p95 ${fmt(p.p95)}`);
  console.log(`ratio (pytest / grader, median) ${(p.median / g.median).toFixed(1)}x; p95 ${(p.p95 / g.p95).toFixed(1)}x`);
  console.log(`targets: >= 10x faster ${p.median / g.median >= 10 ? "met" : "NOT met"}; median < 300 ms ${g.median < 300 ? "met" : "NOT met"}`);
} finally {
  await course.stop();
}
