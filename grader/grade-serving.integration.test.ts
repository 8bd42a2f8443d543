import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Slots } from "@/lib/concurrency/slots";
import { findFreePort } from "../server/net/free-port";
import { pythonEnv } from "../server/supervisor/course-services";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { grade, type GradeOptions } from "./grade";
import { expectStatuses } from "./testing/expect-report";
import { FIXTURES_DIR, runFixtures } from "./testing/run-fixtures";
import { startServedProcess, type ServedProcess } from "./testing/start-served-process";

/**
 * The registry's passing state in MLflow's default mode (no workspaces), then
 * model serving against real `mlflow models serve` processes: of `models:/IrisModel/Staging`
 * (the tracking exercise's model, logged without a signature), of `models:/IrisModel@champion`
 * (the same model logged with `input_example=`, as lesson 4 logs its sweep: a signature), and of
 * a model whose signature names other columns. Last, MLflow itself is stopped while the model
 * server keeps running.
 */

let course: TempCourse;
let fixtures: Record<string, Record<string, string>>;
let modelServer: ServedProcess | undefined;
let championServer: ServedProcess | undefined;
let renamedServer: ServedProcess | undefined;
let wrongServer: ServedProcess | undefined;
let pythonBin: string;

beforeAll(async () => {
  course = await startTempCourse(["mlflow"]);
  pythonBin = path.join(course.config.python.bin, "python");
  fixtures = await runFixtures(pythonBin, course.config.mlflow.url, ["model_registry_pass.py", "model_serving_signature_champion.py", "model_serving_renamed_columns.py"]);

  const env = { ...pythonEnv(course.config, process.env), MLFLOW_TRACKING_URI: course.config.mlflow.url };
  const serve = async (modelUri: string) => {
    const port = await findFreePort();
    return startServedProcess({
      command: path.join(course.config.python.bin, "mlflow"),
      args: ["models", "serve", "-m", modelUri, "-p", String(port), "-h", "127.0.0.1", "--env-manager", "local", "-w", "1"],
      env,
      cwd: course.dataDir,
      url: `http://127.0.0.1:${port}`,
      readyPath: "/ping",
    });
  };
  const wrongPort = await findFreePort();
  [modelServer, championServer, renamedServer, wrongServer] = await Promise.all([
    serve("models:/IrisModel/Staging"),
    serve("models:/IrisModel@champion"),
    serve("models:/RenamedIris/1"),
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
  await Promise.all([modelServer?.stop(), championServer?.stop(), renamedServer?.stop(), wrongServer?.stop()]);
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

/** A request straight to a model server, as a learner's cell sends it. */
async function invoke(server: ServedProcess, body: unknown): Promise<{ status: number; json: { predictions?: unknown; message?: string } }> {
  const response = await fetch(`${server.url}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

describe("model-serving", () => {
  it("passes against `mlflow models serve` of the staged model, which has no signature", async () => {
    const report = await grade("model-serving", options({ modelServerUrl: modelServer!.url }));
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["invocations-dataframe-split"].message).toMatch(/^`dataframe_split` request: predictions `\[[0-2],[0-2]\]`$/);
    expect(checks["invocations-dataframe-records"].message).toMatch(/^`dataframe_records` request: predictions `\[[0-2],[0-2]\]`$/);
    expect(checks["predictions-match-staging"].message).toMatch(/^the server's predictions equal those of `models:\/IrisModel\/Staging` \(version 1\)/);
    expect(checks["predictions-match-staging"].link).toBe("/mlflow/#/models/IrisModel/versions/1");
  });

  it("passes against a server of `@champion`, the same model logged with a signature (which refuses plain rows)", async () => {
    expect(fixtures["model_serving_signature_champion.py"].version).toBe("2");
    // The signature is enforced: plain rows under `inputs` (no column names) are refused.
    const plain = await invoke(championServer!, { inputs: [[6.0, 2.2, 5.0, 1.5]] });
    expect(plain.status).toBe(400);
    expect(plain.json.message).toContain("Model is missing inputs");

    const report = await grade("model-serving", options({ modelServerUrl: championServer!.url }));
    expect(report.status).toBe("passed");
    const checks = expectStatuses(report, {});
    expect(checks["invocations-dataframe-split"].message).toMatch(/^`dataframe_split` request: predictions `\[[0-2],[0-2]\]`$/);
    expect(checks["invocations-dataframe-records"].message).toMatch(/^`dataframe_records` request: predictions `\[[0-2],[0-2]\]`$/);
    // Compared by predictions with what MLflow predicts for `models:/IrisModel/Staging` (version 1).
    expect(checks["predictions-match-staging"].message).toMatch(/^the server's predictions equal those of `models:\/IrisModel\/Staging` \(version 1\)/);
  });

  it("waits for a helper slot when a class's Checks hold them all, and its time limit starts with its turn", async () => {
    const slots = new Slots(1);
    const heldByAnother = await slots.acquire();
    let admitted = 0;
    // 12 s limit, the only slot held for 15 s: counted from the request, the helper would run out of time.
    const grading = grade("model-serving", options({ modelServerUrl: modelServer!.url, pythonTimeoutMs: 12_000, helperAdmission: () => (admitted++, slots.acquire()) }));
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(slots.state).toEqual({ held: 1, waiting: 1 });
    heldByAnother();
    const report = await grading;
    expect({ status: report.status, admitted, slots: slots.state }).toEqual({ status: "passed", admitted: 1, slots: { held: 0, waiting: 0 } });
  });

  it("a model whose signature names other columns: both request checks fail with the server's reason, and no hint says to drop the signature", async () => {
    const report = await grade("model-serving", options({ modelServerUrl: renamedServer!.url }));
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, {
      failed: ["invocations-dataframe-split", "invocations-dataframe-records"],
      skipped: ["predictions-match-staging"],
    });
    for (const [id, form] of [["invocations-dataframe-split", "dataframe_split"], ["invocations-dataframe-records", "dataframe_records"]]) {
      expect(checks[id].message).toContain(`the server rejected the \`${form}\` request: 400: Model is missing inputs ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']`);
    }
    for (const attempt of [1, 2, 3]) {
      for (const modelServerControl of ["command", "serve-panel"] as const) {
        const hint = (await grade("model-serving", options({ modelServerUrl: renamedServer!.url, attempt, modelServerControl }))).checks.find((c) => c.id === "invocations-dataframe-split")!.hint!;
        expect(hint).not.toMatch(/again without `input_example|remove the signature|plain rows/i);
        if (attempt === 2) expect(hint).toContain("Model is missing inputs");
        if (attempt === 3) expect(hint).toContain(modelServerControl === "serve-panel" ? "Serve panel" : "mlflow models serve -m models:/IrisModel/Staging");
      }
    }
  });

  it("a server answering three predictions for two rows fails both request checks", async () => {
    const report = await grade("model-serving", options({ modelServerUrl: wrongServer!.url }));
    expect(report.status).toBe("failed");
    const checks = expectStatuses(report, {
      failed: ["invocations-dataframe-split", "invocations-dataframe-records"],
      skipped: ["predictions-match-staging"],
    });
    expect(checks["invocations-dataframe-split"].message).toBe("`dataframe_split` request: expected 2 predictions for 2 rows, got 3: `[0,1,2]`");
    expect(checks["invocations-dataframe-records"].message).toBe("`dataframe_records` request: expected 2 predictions for 2 rows, got 3: `[0,1,2]`");
  });

  it("no server running: the ping check fails with how to start one", async () => {
    const port = await findFreePort();
    const report = await grade("model-serving", options({ modelServerUrl: `http://127.0.0.1:${port}` }));
    const checks = expectStatuses(report, {
      failed: ["server-answers-ping"],
      skipped: ["invocations-dataframe-split", "invocations-dataframe-records", "predictions-match-staging"],
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
