import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { readRunHandoff } from "../config/run-handoff";
import { getHealth } from "../health/get-health";
import { getReadiness } from "../health/readiness";
import { openStore, storeTarget } from "../store/database";
import { chooseLauncher } from "../launchers/choose-launcher";
import { findFreePort } from "../net/free-port";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { CourseSupervisor, StartupError } from "./course-supervisor";
import { groupAlive } from "@/lib/process/process-group";
import { waitUntil } from "@/lib/process/wait-until";

function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  return waitUntil(check, { what, timeoutMs, intervalMs: 250, probeErrors: "fail" }) as Promise<T>;
}

describe("the course back end, on a real MLflow and Jupyter", () => {
  let course: TempCourse;
  /** What /api/health reads: the configuration and the launcher the course chose. */
  const health = () => getHealth({ config: course.config, launcher: chooseLauncher(course.config) });

  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  /** What /api/health/ready reads. */
  const readiness = () => getReadiness({ config: course.config, store: store!.db });

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter"]);
    store = await openStore(storeTarget(course.config.dataDir, course.config.databaseUrl));
  });

  afterAll(async () => {
    await store?.db.destroy();
    const pids = course?.supervisor.statuses().map((status) => status.pid) ?? [];
    await course?.stop();
    for (const pid of pids) if (pid) expect(groupAlive(pid)).toBe(false);
  });

  it("reports both services healthy with their versions", async () => {
    const report = await health();
    expect(report.ok).toBe(true);
    expect(report.mlflow.version).toMatch(/^3\.\d+\.\d+/);
    expect(report.jupyter.ok).toBe(true);
    expect(report.jupyter.version).toMatch(/^2\./);
    expect(report.mlflow.supervised?.state).toBe("ready");
    // The launcher as chosen at start: the sandbox where this machine makes one, else local processes.
    expect(report.launcher.kind).toBe(course.config.sandbox.enabled ? "sandbox" : "local");
    expect(report.launcher.description.length).toBeGreaterThan(10);
  });

  it("hands the site its decisions in the run folder, not the environment", async () => {
    const handoff = readRunHandoff(course.config.runDir);
    expect(handoff).toMatchObject({ version: 1, supervisorPid: process.pid, sandbox: course.config.sandbox.enabled, jupyterToken: course.config.jupyter.token });
    const env = course.supervisor.serviceEnv();
    expect(Object.keys(env).filter((name) => /COURSE_(JUPYTER_TOKEN|PROJECT_ROOT)/.test(name))).toEqual([]);
    expect(env.COURSE_SANDBOX).toBe(process.env.COURSE_SANDBOX);
  });

  it("keeps Jupyter's token private: without it Jupyter refuses", async () => {
    const response = await fetch(`${course.config.jupyter.url}/api/kernels`);
    expect(response.status).toBe(403);
  });

  it("brings a killed MLflow back by itself, with its data", async () => {
    const api = `${course.config.mlflow.url}/api/2.0/mlflow`;
    const created = await fetch(`${api}/experiments/create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "survives-a-crash" }),
    });
    expect(created.status).toBe(200);

    const mlflow = course.supervisor.supervisor("mlflow")!;
    const pid = mlflow.status().pid!;
    process.kill(pid, "SIGKILL");

    const down = await waitFor("the health report to turn red", async () => {
      const report = await health();
      return report.mlflow.ok ? undefined : report;
    }, 10_000);
    expect(down.ok).toBe(false);
    expect(down.mlflow.problem).toMatch(/MLflow/);
    // MLflow is this instance's own here: the instance is not ready for a load balancer meanwhile.
    expect(await readiness()).toMatchObject({ ok: false, own: { mlflow: false, jupyter: true } });

    await waitFor("MLflow to come back", async () => ((await health()).mlflow.ok ? true : undefined));
    expect((await readiness()).ok).toBe(true);
    expect(mlflow.status().restarts).toBe(1);
    expect(mlflow.status().pid).not.toBe(pid);

    const found = await fetch(`${api}/experiments/get-by-name?experiment_name=survives-a-crash`);
    expect(found.status).toBe(200);
    expect((await found.json()).experiment.name).toBe("survives-a-crash");
  });
});

describe("start-up errors", () => {
  it("names the busy port and the variable that moves it", async () => {
    const port = await findFreePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const config = loadConfig({ ...process.env, MLFLOW_TRACKING_URI: undefined, MLFLOW_PORT: String(port), COURSE_DATA_DIR: "/tmp/unused-course-data" });
      const supervisor = new CourseSupervisor(config, { services: ["mlflow"] });
      const error = await supervisor.checkPorts().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toContain(`Port ${port} is already in use`);
      expect((error as Error).message).toContain(`MLFLOW_PORT=${port + 1}`);
    } finally {
      blocker.close();
    }
  });

  it("starts no local MLflow when MLFLOW_TRACKING_URI names an external one", async () => {
    const config = loadConfig({ ...process.env, MLFLOW_TRACKING_URI: "http://127.0.0.1:1", COURSE_DATA_DIR: "/tmp/unused-course-data" });
    const supervisor = new CourseSupervisor(config, { services: ["mlflow"] });
    await supervisor.start();
    expect(supervisor.statuses()).toEqual([]);
    await supervisor.stop();
  });
});
