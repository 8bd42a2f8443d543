import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../server/net/free-port";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { grade } from "./grade";
import type { ExerciseReport } from "./report";
import { expectStatuses } from "./testing/expect-report";
import { runFixtures } from "./testing/run-fixtures";

/**
 * Tracking and registry exercises against a real MLflow. Every state comes
 * from a real Python script (grader/fixtures/) making exactly one mistake;
 * each runs in its own MLflow workspace so that all of them can use the
 * exercise's fixed names on one server.
 */

const STATES = {
  "empty": "empty_state.py",
  "ex-pass": "tracking_example_pass.py",
  "ex-untagged": "tracking_example_untagged.py",
  "tr-pass": "tracking_exercise_pass.py",
  "tr-param": "tracking_exercise_param_n_estimators.py",
  "tr-metric": "tracking_exercise_metric_accuracy_score.py",
  "tr-tag": "tracking_exercise_tag_example.py",
  "tr-artifacts": "tracking_exercise_artifacts_elsewhere.py",
  "tr-model-name": "tracking_exercise_model_renamed.py",
  "tr-deleted": "tracking_exercise_experiment_deleted.py",
  "tr-no-runs": "tracking_exercise_no_runs.py",
  "tr-legacy": "tracking_exercise_legacy_model.py",
  "tr-best-run": "tracking_exercise_best_run.py",
  "reg-pass": "model_registry_pass.py",
  "reg-production": "model_registry_production_only.py",
  "reg-alias": "model_registry_alias_only.py",
  "reg-alias-case": "model_registry_alias_wrong_case.py",
  "ali-pass": "model_aliases_pass.py",
  "ali-not-rolled-back": "model_aliases_not_rolled_back.py",
  "ali-no-previous": "model_aliases_no_previous.py",
  "ali-previous-late": "model_aliases_previous_after_promotion.py",
  "ali-case": "model_aliases_wrong_case.py",
} as const;
type State = keyof typeof STATES;

const RUN_CHECKS = ["tag-notebook-type", "artifacts-input-data", "artifacts-output-data", "param-num-trees", "metric-accuracy", "model-logged"];

let course: TempCourse;
let fixtures: Record<string, Record<string, string>>;

beforeAll(async () => {
  course = await startTempCourse(["mlflow"], { MLFLOW_ENABLE_WORKSPACES: "true" });
  fixtures = await runFixtures(
    path.join(course.config.python.bin, "python"),
    course.config.mlflow.url,
    Object.entries(STATES).map(([workspace, script]) => `${workspace}=${script}`),
  );
});

afterAll(async () => {
  await course?.stop();
});

const gradeIn = (workspace: State, exercise: string, options: { attempt?: number; fetch?: typeof fetch } = {}) =>
  grade(exercise, {
    mlflow: { baseUrl: course.config.mlflow.url, workspace, fetch: options.fetch },
    learner: `test-${workspace}`,
    attempt: options.attempt,
  });

describe("tracking-example", () => {
  it("passes after the example notebook ran, and names the graded run", async () => {
    const report = await gradeIn("ex-pass", "tracking-example");
    expect(report.status).toBe("passed");
    expectStatuses(report, {});
    expect(report.gradedRun?.runId).toBe(fixtures["ex-pass"].run_id);
    expect(report.gradedRun?.link).toMatch(new RegExp(`^/mlflow/#/experiments/\\d+/runs/${fixtures["ex-pass"].run_id}$`));
    expect(report.learner).toBe("test-ex-pass");
    expect(new Date(report.startedAt).getTime()).toBeGreaterThan(0);
  });

  it("fails the tag check when the run has no notebook-type tag", async () => {
    const report = await gradeIn("ex-untagged", "tracking-example");
    const checks = expectStatuses(report, { failed: ["run-tagged-example"] });
    expect(checks["run-tagged-example"].message).toBe("tag `notebook-type` missing; this run has no tags of its own");
    expect(checks["run-tagged-example"].link).toContain(`/runs/${fixtures["ex-untagged"].run_id}`);
  });

  it("fails when nothing was run yet, and skips the run check", async () => {
    const report = await gradeIn("empty", "tracking-example");
    const checks = expectStatuses(report, { failed: ["experiment-exists"], skipped: ["run-tagged-example"] });
    expect(checks["experiment-exists"].message).toBe("no experiment named `Tracking-Example`; this MLflow has no experiments yet");
    expect(checks["run-tagged-example"].message).toContain("Experiment `Tracking-Example` exists");
    expect(report.gradedRun).toBeUndefined();
  });
});

describe("tracking-exercise", () => {
  it("passes the solution", async () => {
    const report = await gradeIn("tr-pass", "tracking-exercise");
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["model-logged"].message).toMatch(/^model `model` \(m-[0-9a-f]+\) was logged from this run: a ready scikit-learn model$/);
    expect(checks["param-num-trees"].message).toBe("param `num_trees` is `10`");
    expect(report.gradedRun).toMatchObject({ runId: fixtures["tr-pass"].run_id });
  });

  it("param logged as n_estimators: only the param check fails, naming what the run has", async () => {
    const report = await gradeIn("tr-param", "tracking-exercise");
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["param-num-trees"] });
    expect(checks["param-num-trees"].message).toBe("param `num_trees` missing; this run has params `n_estimators`");
    expect(checks["param-num-trees"].link).toBe(report.gradedRun?.link);
  });

  it("metric logged as accuracy_score", async () => {
    const report = await gradeIn("tr-metric", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["metric-accuracy"] });
    expect(checks["metric-accuracy"].message).toBe("metric `accuracy` missing; this run has `accuracy_score`");
  });

  it("tag value example", async () => {
    const report = await gradeIn("tr-tag", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["tag-notebook-type"] });
    expect(checks["tag-notebook-type"].message).toBe("tag `notebook-type` is `example`, expected `exercise`");
  });

  it("input data under another folder", async () => {
    const report = await gradeIn("tr-artifacts", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["artifacts-input-data"] });
    expect(checks["artifacts-input-data"].message).toBe("artifacts are under `data/`, expected `input_data/`");
    expect(checks["artifacts-output-data"].message).toBe("`output_data/` holds `predictions.csv`");
  });

  it("model logged under another name", async () => {
    const report = await gradeIn("tr-model-name", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["model-logged"] });
    expect(checks["model-logged"].message).toBe("this run logged a model named `rf_model`, expected `model`");
  });

  it("experiment deleted: the deletion fails, everything after it is skipped with the reason", async () => {
    const report = await gradeIn("tr-deleted", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["experiment-active"], skipped: ["has-runs", ...RUN_CHECKS] });
    expect(checks["experiment-active"].message).toBe("experiment `Tracking-Exercise` exists but is deleted (it is in MLflow's trash)");
    for (const id of ["has-runs", ...RUN_CHECKS]) {
      expect(checks[id].message).toBe('Not checked because "Experiment `Tracking-Exercise` is not deleted" did not pass.');
    }
    expect(report.gradedRun).toBeUndefined();
  });

  it("experiment without runs", async () => {
    const report = await gradeIn("tr-no-runs", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["has-runs"], skipped: RUN_CHECKS });
    expect(checks["has-runs"].message).toBe("experiment `Tracking-Exercise` has no runs yet");
  });

  it("no experiment at all", async () => {
    const report = await gradeIn("empty", "tracking-exercise");
    const checks = expectStatuses(report, { failed: ["experiment-exists"], skipped: ["experiment-active", "has-runs", ...RUN_CHECKS] });
    expect(checks["experiment-exists"].message).toContain("no experiment named `Tracking-Exercise`");
    expect(checks["experiment-exists"].link).toBe("/mlflow/#/experiments");
  });

  it("accepts a model logged the MLflow 2 way (a model/MLmodel run artifact)", async () => {
    const report = await gradeIn("tr-legacy", "tracking-exercise");
    const checks = expectStatuses(report, {});
    expect(checks["model-logged"].message).toBe("this run has a `model/` artifact with the scikit-learn flavor (logged the MLflow 2 way)");
  });

  it("grades the run that satisfies the most checks, not the latest", async () => {
    const report = await gradeIn("tr-best-run", "tracking-exercise");
    expect(report.status).toBe("passed");
    expect(report.gradedRun?.runId).toBe(fixtures["tr-best-run"].complete_run_id);
    expect(report.gradedRun?.runId).not.toBe(fixtures["tr-best-run"].incomplete_run_id);
  });

  it("escalates hints over attempts; the first never shows code", async () => {
    const first = (await gradeIn("tr-param", "tracking-exercise", { attempt: 1 })).checks.find((c) => c.id === "param-num-trees")!;
    const third = (await gradeIn("tr-param", "tracking-exercise", { attempt: 3 })).checks.find((c) => c.id === "param-num-trees")!;
    expect(first.hint).not.toMatch(/log_param\(/);
    expect(third.hint).toContain('mlflow.log_param("num_trees"');
  });
});

describe("model-registry", () => {
  it("passes with a version in Staging; the missing alias is an optional, non-blocking miss", async () => {
    const report = await gradeIn("reg-pass", "model-registry");
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, { failed: ["alias-staging"] });
    expect(checks["alias-staging"].optional).toBe(true);
    expect(checks["version-in-staging"].message).toBe(`version ${fixtures["reg-pass"].version} is in \`Staging\``);
    expect(checks["version-in-staging"].link).toBe(`/mlflow/#/models/IrisModel/versions/${fixtures["reg-pass"].version}`);
    expect(checks["registered-model-exists"].link).toBe("/mlflow/#/models/IrisModel");
  });

  it("version in Production only", async () => {
    const report = await gradeIn("reg-production", "model-registry");
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["version-in-staging", "alias-staging"] });
    expect(checks["version-in-staging"].message).toBe("version 1 is in `Production`, expected `Staging`");
  });

  it("an alias in another case is not the alias: the optional check says aliases are case-sensitive", async () => {
    const report = await gradeIn("reg-alias-case", "model-registry");
    const checks = expectStatuses(report, { failed: ["alias-staging"] });
    expect(report.status).toBe("passed"); // optional
    expect(checks["alias-staging"].message).toContain("the alias `@Staging` points to version 1, but aliases are case-sensitive");
    expect(checks["alias-staging"].message).toContain("name it `staging`");
  });

  it("alias only: the stage check fails and explains the difference; the alias check passes", async () => {
    const report = await gradeIn("reg-alias", "model-registry");
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["version-in-staging"] });
    expect(checks["version-in-staging"].message).toContain("the alias `@staging` points to version 1");
    expect(checks["version-in-staging"].message).toContain("An alias is not a stage");
    expect(checks["version-in-staging"].hint).toContain("different mechanism");
    expect(checks["alias-staging"]).toMatchObject({ status: "passed", optional: true });
  });

  it("no registered model", async () => {
    const report = await gradeIn("empty", "model-registry");
    const checks = expectStatuses(report, { failed: ["registered-model-exists"], skipped: ["has-versions", "version-in-staging", "alias-staging"] });
    expect(checks["registered-model-exists"].message).toBe("no registered model named `IrisModel`; the model registry is empty");
  });
});

describe("model-aliases", () => {
  it("passes when @champion was rolled back to the version @previous recorded before the promotion", async () => {
    const report = await gradeIn("ali-pass", "model-aliases");
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["champion-rolled-back"].message).toBe("`@champion` is back on version 1, the version `@previous` recorded before the promotion of version 2");
    expect(checks["champion-rolled-back"].link).toBe("/mlflow/#/models/IrisModel/versions/1");
  });

  it("fails when the challenger was promoted and never rolled back", async () => {
    const report = await gradeIn("ali-not-rolled-back", "model-aliases");
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, { failed: ["champion-rolled-back"] });
    expect(checks["champion-rolled-back"].message).toBe("`@champion` points to version 2, but `@previous` recorded version 1: roll back by pointing `champion` where `previous` points");
  });

  it("fails a rollback by version number that recorded nothing (no @previous)", async () => {
    const checks = expectStatuses(await gradeIn("ali-no-previous", "model-aliases"), { failed: ["champion-rolled-back"] });
    expect(checks["champion-rolled-back"].message).toBe("`@champion` points to version 1, but there is no alias `@previous` recording where it was before the promotion");
  });

  it("fails when @previous was set after the promotion, on the promoted version", async () => {
    const checks = expectStatuses(await gradeIn("ali-previous-late", "model-aliases"), { failed: ["champion-rolled-back"] });
    expect(checks["champion-rolled-back"].message).toContain("`@previous` was set after the promotion");
    expect(checks["champion-rolled-back"].hint).toContain("must record the champion of *before* the promotion");
  });

  it("@Champion is not @champion", async () => {
    const report = await gradeIn("ali-case", "model-aliases");
    const checks = expectStatuses(report, { failed: ["champion-set"], skipped: ["champion-rolled-back"] });
    expect(checks["champion-set"].message).toContain("the alias `@Champion` points to version 1, but aliases are case-sensitive");
  });

  it("one version in Staging only (the model-registry solution): nothing to roll back to", async () => {
    const report = await gradeIn("reg-pass", "model-aliases");
    const checks = expectStatuses(report, { failed: ["two-versions"], skipped: ["champion-set", "champion-rolled-back"] });
    expect(checks["two-versions"].message).toContain("has only version 1");
  });
});

describe("MLflow failing during a grading", () => {
  it("MLflow unreachable: the report is `error`, nothing is `failed`", async () => {
    const port = await findFreePort();
    const report = await grade("tracking-exercise", { mlflow: { baseUrl: `http://127.0.0.1:${port}` }, learner: "test" });
    expect(report.status).toBe("error");
    const checks = expectStatuses(report, { error: ["experiment-exists"], skipped: ["experiment-active", "has-runs", ...RUN_CHECKS] });
    expect(checks["experiment-exists"].message).toContain(`MLflow at http://127.0.0.1:${port} is not reachable (connection refused)`);
    expect(checks["experiment-exists"].message).toContain("not with your work");
    expect(checks["experiment-active"].message).toContain("could not be checked");
  });

  it("MLflow going away mid-grading: the checks that needed it are `error`, the report is `error`", async () => {
    // The real server answers the first requests, then the connection is refused, as when MLflow dies.
    let calls = 0;
    const dying: typeof fetch = (input, init) => {
      calls += 1;
      if (calls > 2) return Promise.reject(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }));
      return fetch(input, init);
    };
    const report = await gradeIn("tr-pass", "tracking-exercise", { fetch: dying });
    expect(report.status).toBe("error");
    const checks = expectStatuses(report, { error: RUN_CHECKS });
    expect(checks["artifacts-input-data"].message).toMatch(/^Could not check this: MLflow at .* is not reachable \(connection refused\)\. This is a problem with the course platform/);
  });
});

/**
 * The whole report of every state, beside its fixture, as people read it:
 * grader/fixtures/expected/<state>--<exercise>.json. When a message changes on
 * purpose, refresh them with `npx vitest run --project integration grader -u`.
 */
describe("expected reports", () => {
  const table: [State, string][] = [
    ["empty", "tracking-example"],
    ["ex-pass", "tracking-example"],
    ["ex-untagged", "tracking-example"],
    ...(Object.keys(STATES) as State[]).filter((s) => s.startsWith("tr-")).map((s): [State, string] => [s, "tracking-exercise"]),
    ["empty", "tracking-exercise"],
    ...(Object.keys(STATES) as State[]).filter((s) => s.startsWith("reg-")).map((s): [State, string] => [s, "model-registry"]),
    ["empty", "model-registry"],
    ...(Object.keys(STATES) as State[]).filter((s) => s.startsWith("ali-")).map((s): [State, string] => [s, "model-aliases"]),
    ["empty", "model-aliases"],
  ];
  it.each(table)("%s graded as %s", async (state, exercise) => {
    const report = await gradeIn(state, exercise, { attempt: 1 });
    await expect(stableText(report)).toMatchFileSnapshot(`./fixtures/expected/${state}--${exercise}.json`);
  });
});

/** The report without what changes from run to run (ids, names, times). */
function stableText(report: ExerciseReport): string {
  const { exercise, status, checks, gradedRun } = report;
  return `${JSON.stringify({ exercise, status, gradedRun, checks }, null, 2)
    .replace(/m-[0-9a-f]{32}/g, "m-<model id>")
    .replace(/[0-9a-f]{32}/g, "<run id>")
    .replace(/experiments\/\d+/g, "experiments/<experiment id>")
    .replace(/\(id \d+\)/g, "(id <experiment id>)")
    .replace(/"runName": "[^"]*"/g, '"runName": "<run name>"')}\n`;
}
