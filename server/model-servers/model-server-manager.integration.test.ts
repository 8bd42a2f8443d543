import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { findFreePort } from "../net/free-port";
import { groupAlive } from "@/lib/process/process-group";
import { waitUntil as pollUntil } from "@/lib/process/wait-until";
import type { ModelServerStatus } from "@/contracts/model-server";
import { runFixture } from "../testing/python-fixture";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { openStore } from "../store/database";
import { storeServerDirectory, type ServerDirectory } from "../store/model-servers";
import { jupyterKernelsFor } from "../launchers/choose-launcher";
import { LocalLauncher } from "../launchers/local-launcher";
import { modelServerLaunching } from "./launching";
import { ModelServerManager } from "./model-server-manager";

async function waitForState(manager: ModelServerManager, learner: string, states: string[], timeoutMs = 150_000) {
  let last: ModelServerStatus | null = null;
  const reached = async (): Promise<ModelServerStatus | undefined> => {
    const status = await manager.status(learner);
    last = status;
    return status && states.includes(status.state) ? status : undefined;
  };
  return (await pollUntil(reached, { timeoutMs, intervalMs: 250, probeErrors: "fail" }).catch((error: unknown) => {
    throw new Error(`model server did not reach ${states.join("/")}: ${JSON.stringify(last)}`, { cause: error });
  }))!;
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

/** A server's address on a port shared by a class's learners: its port, then a private path. */
const privatelyAt = (port: number) => new RegExp(`^http://127\\.0\\.0\\.1:${port}/s/[A-Za-z0-9_-]{24}$`);

describe("model servers: MLflow's scoring server (course_scoring_server.py) of a real registered model", () => {
  let course: TempCourse;
  let manager: ModelServerManager;
  let low: number;
  /** A manager of model servers against the test's MLflow, on ports of its own. */
  const managerOptions = (): ConstructorParameters<typeof ModelServerManager>[0] => ({
    pythonBin: `${course.config.python.bin}/python`,
    scoringServer: path.join(course.config.projectRoot, "python", "course_scoring_server.py"),
    mlflowUrl: course.config.mlflow.url,
    baseEnv: process.env,
    portRange: { min: low, max: low + 20 },
    idleTimeoutMs: 600_000,
    readyTimeoutMs: 150_000,
    workdirFor: () => os.tmpdir(),
    // As a course without the sandbox starts them (the sandboxed ones: server/sandbox/).
    launching: modelServerLaunching(new LocalLauncher(course.config, jupyterKernelsFor(course.config)), () => "no-gate-token"),
  });

  beforeAll(async () => {
    course = await startTempCourse(["mlflow"]);
    await runFixture("stage_iris_model.py", course.config.mlflow.url);
    // Below the machine's ephemeral ports (32768 and up), which any process's outgoing or throwaway sockets may take.
    low = (await findFreePort()) % 10000 + 20000;
    manager = new ModelServerManager(managerOptions());
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
    // A class without the sandbox shares the port's address: the server answers under a private path only.
    expect(ready.url).toMatch(privatelyAt(low));
    expect((await invoke(`http://127.0.0.1:${low}`, { inputs: [[6.0, 2.2, 5.0, 1.5]] })).status).toBe(404);

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

    // One process: MLflow's scoring server in course_scoring_server.py, started by the course itself (no `mlflow` command as its parent).
    const [server, ...others] = servingOn(low);
    expect(others).toEqual([]);
    expect(fs.readFileSync(`/proc/${server}/cmdline`, "utf8").split("\0")[1]).toBe(path.join(course.config.projectRoot, "python", "course_scoring_server.py"));
    expect(Number(/^PPid:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${server}/status`, "utf8"))![1])).toBe(process.pid);
    expect(await manager.stop("alice")).toBe(true);
    expect((await manager.status("alice"))?.state).toBe("stopped");
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

  it("serves a version by its alias, as lesson 5 serves @champion", async () => {
    const aliased = await fetch(`${course.config.mlflow.url}/api/2.0/mlflow/registered-models/alias`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "IrisModel", alias: "served", version: "1" }),
    });
    expect(aliased.status, await aliased.text()).toBe(200);
    const started = await manager.start("frida", "models:/IrisModel@served", low + 3);
    expect(started.version).toBe("1");
    const ready = await waitForState(manager, "frida", ["ready", "failed"]);
    expect(ready.state, ready.log.slice(-20).join("\n")).toBe("ready");
    expect((await invoke(ready.url, { inputs: [[6.0, 2.2, 5.0, 1.5]] })).status).toBe(200);
    await manager.stop("frida");
    expect(servingOn(low + 3)).toEqual([]);
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
    expect(await manager.readyUrl("erin")).toBeNull();
    expect(ready.url).toMatch(privatelyAt(low + 10));
    expect(servingOn(low + 10)).toEqual([]);
  });

  describe("two course instances sharing one directory (the store)", () => {
    const timing = { heartbeatMs: 300, staleAfterMs: 1500 };
    let first: ModelServerManager;
    let second: ModelServerManager;
    let dataDir: string;
    let options: ConstructorParameters<typeof ModelServerManager>[0];
    const waitUntil = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000) => {
      await pollUntil(condition, { what, timeoutMs, intervalMs: 100, probeErrors: "fail" });
    };

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "model-server-directory-"));
      const { db } = await openStore({ dialect: "sqlite", file: path.join(dataDir, "course.db") });
      const directory = storeServerDirectory(db);
      options = { ...managerOptions(), directory, timing };
      first = new ModelServerManager(options);
      second = new ModelServerManager(options);
    });
    afterAll(async () => {
      for (const manager of [first, second]) {
        await manager?.stopAll();
        manager?.dispose();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("shows one instance's server on the other, which forwards to it, refuses its port, and stops it", async () => {
      await first.start("frank", "models:/IrisModel/Staging", low + 11);
      const ready = await waitForState(second, "frank", ["ready", "failed"]);
      expect(ready.state, ready.log.slice(-20).join("\n")).toBe("ready");
      expect(ready.url).toMatch(privatelyAt(low + 11));
      expect(ready.log.at(-1)).toBe(`Ready: POST ${ready.url}/invocations`);
      const url = await second.readyUrl("frank");
      expect(url).toBe(ready.url);
      expect((await invoke(url!, { inputs: [[6.0, 2.2, 5.0, 1.5]] })).status).toBe(200);
      // The port is the first instance's learner's: the second neither suggests nor takes it.
      expect(await second.unusedPort()).not.toBe(low + 11);
      await expect(second.start("grace", "models:/IrisModel/Staging", low + 11)).rejects.toThrow(`Port ${low + 11} is in use`);

      expect(await second.stop("frank")).toBe(true);
      expect((await first.status("frank"))?.state).toBe("stopped");
      // The owner stops its process at its next look at the directory.
      await waitUntil(() => servingOn(low + 11).length === 0, "the first instance stopped the server the second was asked to stop");
      expect((await second.status("frank"))?.log.at(-1)).toBe("Stopped.");
    });

    it("moves a learner's server to the instance that starts it again, and stops the old one", async () => {
      await first.start("heidi", "models:/IrisModel/Staging", low + 12);
      await waitForState(first, "heidi", ["ready"]);
      await second.start("heidi", "models:/IrisModel/Staging", low + 13);
      await waitUntil(() => servingOn(low + 12).length === 0, "the first instance stopped the replaced server");
      const moved = await waitForState(first, "heidi", ["ready"]);
      expect(moved.port).toBe(low + 13);
      await second.stop("heidi");
    });

    it("reports a server whose instance stopped answering as gone, with a way on", async () => {
      // An instance that dies says nothing more: its directory goes silent at the moment of death.
      let dead = false;
      const silent = Object.fromEntries(
        Object.entries(options.directory!).map(([name, call]) => [name, (...args: unknown[]) => (dead && name !== "get" && name !== "live" ? Promise.resolve(false) : (call as (...a: unknown[]) => unknown)(...args))]),
      ) as unknown as ServerDirectory;
      const doomed = new ModelServerManager({ ...options, directory: silent });
      await doomed.start("ivan", "models:/IrisModel/Staging", low + 14);
      await waitForState(second, "ivan", ["ready"]);
      // The instance dies: no more heartbeats, its process group killed with it.
      dead = true;
      doomed.dispose();
      doomed.killAllNow();
      const gone = await waitForState(second, "ivan", ["failed"], 10_000);
      expect(gone.reason).toMatch(/course instance that ran your model server has stopped.*Start it again/);
      expect(await second.readyUrl("ivan")).toBeNull();
      // Starting again runs it on a living instance.
      await second.start("ivan", "models:/IrisModel/Staging", low + 14);
      expect((await waitForState(first, "ivan", ["ready", "failed"])).state).toBe("ready");
      await second.stop("ivan");
    });
  });
});
