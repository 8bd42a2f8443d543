import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { findFreePort } from "../net/free-port";
import { groupAlive } from "../supervisor/process-group";
import { runFixture } from "../testing/python-fixture";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { ModelServerManager } from "./model-server-manager";

async function waitForState(manager: ModelServerManager, learner: string, states: string[], timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = manager.status(learner);
    if (status && states.includes(status.state)) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`model server did not reach ${states.join("/")}: ${JSON.stringify(manager.status(learner))}`);
}

const invoke = (url: string, body: unknown) =>
  fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Processes whose command line serves on `port`. */
function servingOn(port: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(`--port ${port}`) || fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(`-p ${port}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("model servers: real `mlflow models serve` of a real registered model", () => {
  let course: TempCourse;
  let manager: ModelServerManager;
  let low: number;

  beforeAll(async () => {
    course = await startTempCourse(["mlflow"]);
    await runFixture("stage_iris_model.py", course.config.mlflow.url);
    // Below the machine's ephemeral ports (32768 and up), which any process's outgoing or throwaway sockets may take.
    low = (await findFreePort()) % 10000 + 20000;
    manager = new ModelServerManager({
      pythonBin: `${course.config.python.bin}/python`,
      mlflowUrl: course.config.mlflow.url,
      baseEnv: process.env,
      portRange: { min: low, max: low + 20 },
      idleTimeoutMs: 600_000,
      readyTimeoutMs: 150_000,
      workdirFor: () => os.tmpdir(),
    });
  });
  afterAll(async () => {
    await manager?.stopAll();
    manager?.dispose();
    await course?.stop();
  });

  it("starts, answers both body forms, rejects the legacy body, and stops without leftovers", async () => {
    const started = await manager.start("alice", "models:/IrisModel/Staging", low);
    expect(started.state).toBe("starting");
    expect(started.command).toContain(`mlflow models serve -m models:/IrisModel/Staging -p ${low} --env-manager local`);
    const ready = await waitForState(manager, "alice", ["ready", "failed"]);
    expect(ready.state, ready.log.slice(-20).join("\n")).toBe("ready");
    expect(ready.version).toBe("1");

    const inputs = await invoke(ready.url, { inputs: [[6.0, 2.2, 5.0, 1.5], [5.7, 2.9, 4.2, 1.3]] });
    expect(inputs.status).toBe(200);
    const predictions = (await inputs.json()).predictions as number[];
    expect(predictions).toHaveLength(2);
    expect(predictions.every((p) => [0, 1, 2].includes(p))).toBe(true);

    const split = await invoke(ready.url, {
      dataframe_split: { columns: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"], data: [[6.0, 2.2, 5.0, 1.5]] },
    });
    expect(split.status).toBe(200);

    const legacy = await invoke(ready.url, { data: [[6.0, 2.2, 5.0, 1.5]] });
    expect(legacy.status).toBe(400);
    expect((await legacy.json()).message).toContain("scoring protocol has changed in MLflow version 2.0");

    expect(servingOn(low).length).toBeGreaterThan(0);
    expect(await manager.stop("alice")).toBe(true);
    expect(manager.status("alice")?.state).toBe("stopped");
    expect(servingOn(low)).toEqual([]);
  });

  it("replaces the learner's server when started again", async () => {
    await manager.start("bob", "models:/IrisModel/1", low + 1);
    await waitForState(manager, "bob", ["ready"]);
    await manager.start("bob", "models:/IrisModel/Staging", low + 2);
    expect(servingOn(low + 1)).toEqual([]);
    const ready = await waitForState(manager, "bob", ["ready"]);
    expect(ready.port).toBe(low + 2);
    await manager.stop("bob");
  });

  it.each([
    ["a stage with no version in it", "models:/IrisModel/Production", 5, /IrisModel has no version in Production \(version 1 is in Staging\)/],
    ["a model that does not exist", "models:/NoSuchModel/Staging", 6, /no registered model named NoSuchModel/],
    ["an alias that is not set", "models:/IrisModel@champion", 7, /no alias @champion/],
    ["something that is not a registry URI", "runs:/abc/model; rm -rf /", 8, /not a model URI the course can serve/],
  ])("refuses %s before starting anything", async (_, uri, offset, message) => {
    const error = await manager.start("carol", uri, low + offset).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as Error).message).toMatch(message);
    expect(servingOn(low + offset)).toEqual([]);
  });

  it("refuses ports outside the range and ports in use", async () => {
    await expect(manager.start("dave", "models:/IrisModel/Staging", low + 500)).rejects.toThrow(`outside the range the course allows for model servers (${low}-${low + 20})`);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(low + 9, "127.0.0.1", resolve));
    try {
      await expect(manager.start("dave", "models:/IrisModel/Staging", low + 9)).rejects.toThrow(`Port ${low + 9} is in use`);
    } finally {
      blocker.close();
    }
  });

  it("shows a crashed scoring server as failed, with its last log lines", async () => {
    await manager.start("erin", "models:/IrisModel/Staging", low + 10);
    const ready = await waitForState(manager, "erin", ["ready"]);
    for (const pid of servingOn(low + 10)) process.kill(pid, "SIGKILL");
    const failed = await waitForState(manager, "erin", ["failed"], 20_000);
    expect(failed.reason).toMatch(/stopped/);
    expect(failed.log.length).toBeGreaterThan(1);
    expect(manager.readyUrl("erin")).toBeNull();
    expect(ready.url).toBe(`http://127.0.0.1:${low + 10}`);
    expect(servingOn(low + 10)).toEqual([]);
  });
});
