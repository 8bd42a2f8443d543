import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../server/net/free-port";
import { pythonEnv } from "../server/supervisor/course-services";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { grade, type GradeOptions } from "./grade";
import { expectStatuses } from "./testing/expect-report";
import { FIXTURES_DIR, runFixtures } from "./testing/run-fixtures";
import { startServedProcess, type ServedProcess } from "./testing/start-served-process";

/**
 * The registry's passing state in MLflow's default mode (no workspaces), then
 * model serving against a real `mlflow models serve` of `models:/IrisModel/Staging`.
 * Last, MLflow itself is stopped while the model server keeps running.
 */

let course: TempCourse;
let fixtures: Record<string, Record<string, string>>;
let modelServer: ServedProcess | undefined;
let wrongServer: ServedProcess | undefined;
let pythonBin: string;

beforeAll(async () => {
  course = await startTempCourse(["mlflow"]);
  pythonBin = path.join(course.config.python.bin, "python");
  fixtures = await runFixtures(pythonBin, course.config.mlflow.url, ["model_registry_pass.py"]);

  const env = { ...pythonEnv(course.config, process.env), MLFLOW_TRACKING_URI: course.config.mlflow.url };
  const modelPort = await findFreePort();
  const wrongPort = await findFreePort();
  [modelServer, wrongServer] = await Promise.all([
    startServedProcess({
      command: path.join(course.config.python.bin, "mlflow"),
      args: ["models", "serve", "-m", "models:/IrisModel/Staging", "-p", String(modelPort), "-h", "127.0.0.1", "--env-manager", "local", "-w", "1"],
      env,
      cwd: course.dataDir,
      url: `http://127.0.0.1:${modelPort}`,
      readyPath: "/ping",
    }),
    startServedProcess({
      command: pythonBin,
      args: [path.join(FIXTURES_DIR, "wrong_count_server.py"), String(wrongPort)],
      env,
      cwd: course.dataDir,
      url: `http://127.0.0.1:${wrongPort}`,
      readyPath: "/ping",
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([modelServer?.stop(), wrongServer?.stop()]);
  await course?.stop();
});

const options = (overrides: Partial<GradeOptions> = {}): GradeOptions => ({
  mlflow: { baseUrl: course.config.mlflow.url },
  learner: "test",
  pythonBin,
  ...overrides,
});

describe("in MLflow's default mode", () => {
  it("the registry solution passes tracking-exercise and model-registry", async () => {
    const tracking = await grade("tracking-exercise", options());
    expectStatuses(tracking, {});
    expect(tracking.gradedRun?.runId).toBe(fixtures["model_registry_pass.py"].run_id);
    const registry = await grade("model-registry", options());
    expect(registry.status).toBe("passed");
    expectStatuses(registry, { failed: ["alias-staging"] });
  });
});

describe("model-serving", () => {
  it("passes against `mlflow models serve` of the staged model", async () => {
    const report = await grade("model-serving", options({ modelServerUrl: modelServer!.url }));
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["invocations-inputs"].message).toMatch(/^`inputs` request: predictions `\[[0-2],[0-2]\]`$/);
    expect(checks["predictions-match-staging"].message).toMatch(/^the server's predictions equal those of `models:\/IrisModel\/Staging` \(version 1\)/);
    expect(checks["predictions-match-staging"].link).toBe("/mlflow/#/models/IrisModel/versions/1");
  });

  it("a server answering three predictions for two rows fails both request checks", async () => {
    const report = await grade("model-serving", options({ modelServerUrl: wrongServer!.url }));
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, {
      failed: ["invocations-inputs", "invocations-dataframe-split"],
      skipped: ["predictions-match-staging"],
    });
    expect(checks["invocations-inputs"].message).toBe("`inputs` request: expected 2 predictions for 2 rows, got 3: `[0,1,2]`");
    expect(checks["invocations-dataframe-split"].message).toBe("`dataframe_split` request: expected 2 predictions for 2 rows, got 3: `[0,1,2]`");
  });

  it("no server running: the ping check fails with how to start one", async () => {
    const port = await findFreePort();
    const report = await grade("model-serving", options({ modelServerUrl: `http://127.0.0.1:${port}` }));
    const checks = expectStatuses(report, {
      failed: ["server-answers-ping"],
      skipped: ["invocations-inputs", "invocations-dataframe-split", "predictions-match-staging"],
    });
    expect(checks["server-answers-ping"].message).toBe(`no model server running at http://127.0.0.1:${port} (connection refused)`);
    expect(checks["server-answers-ping"].hint).toContain("start the model server");
    const third = await grade("model-serving", options({ modelServerUrl: `http://127.0.0.1:${port}`, attempt: 3 }));
    expect(third.checks[0].hint).toContain("mlflow models serve -m models:/IrisModel/Staging -p 5050 --env-manager local");
    // Graded from the course, the learner's server is the Serve panel's: the hint says to press Start there.
    const course = await grade("model-serving", options({ modelServerUrl: `http://127.0.0.1:${port}`, attempt: 3, modelServerControl: "serve-panel" }));
    expect(course.checks[0].message).toBe(`no model server running at http://127.0.0.1:${port} (connection refused)`);
    expect(course.checks[0].hint).toContain("press Start");
    expect(course.checks[0].hint).toContain("Serve panel");
    expect(course.checks[0].hint).not.toContain("mlflow models serve -m");
  });

  it("MLflow down during the check: the comparison is `error`, the report is `error`", async () => {
    await course.supervisor.stop(); // MLflow goes away; the model server has its model loaded and keeps answering
    const report = await grade("model-serving", options({ modelServerUrl: modelServer!.url }));
    expect(report.status).toBe("error");
    const checks = expectStatuses(report, { error: ["predictions-match-staging"] });
    expect(checks["predictions-match-staging"].message).toContain("is not reachable (connection refused)");
    expect(checks["predictions-match-staging"].message).toContain("not with your work");
  });
});
