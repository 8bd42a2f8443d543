import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitAtMost } from "@/lib/process/wait-until";
import { startServedProcess, type ServedProcess } from "@/grader/testing/start-served-process";
import { SOLO_LEARNER } from "../identity/course-identity";
import { learnerToken } from "../identity/learner-token";
import { loadSessionSecret } from "../identity/secrets";
import { chooseLauncher } from "../launchers/choose-launcher";
import { kernelForkerSocket, usesKernelForker } from "../launchers/kernel-specs";
import { findFreePort } from "../net/free-port";
import { sandboxNetnsPrefix } from "../sandbox/launch-description";
import { isLauncher, learnerNetNamespace, machineProcesses, modelServerProcesses, type MachineProcess } from "../testing/model-server-processes";
import { runFixture } from "../testing/python-fixture";
import { rawRequest, runCellAs } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { modelServerLaunching } from "./launching";
import { ModelServerManager, SITE_RESTARTED } from "./model-server-manager";

const FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
/** What a learner (or the lesson) sends a model server: each answer is compared with `mlflow models serve`'s. */
const REQUESTS: { name: string; method: "GET" | "POST"; path: string; type?: string; body?: string }[] = [
  { name: "ping", method: "GET", path: "/ping" },
  { name: "health", method: "GET", path: "/health" },
  { name: "version", method: "GET", path: "/version" },
  { name: "inputs", method: "POST", path: "/invocations", type: "application/json", body: JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5], [5.1, 3.5, 1.4, 0.2]] }) },
  { name: "dataframe_split", method: "POST", path: "/invocations", type: "application/json", body: JSON.stringify({ dataframe_split: { columns: FEATURES, data: [[6.0, 2.2, 5.0, 1.5]] } }) },
  { name: "dataframe_records", method: "POST", path: "/invocations", type: "application/json", body: JSON.stringify({ dataframe_records: [Object.fromEntries(FEATURES.map((f) => [f, 5.0]))] }) },
  { name: "csv", method: "POST", path: "/invocations", type: "text/csv", body: `${FEATURES.join(",")}\n6.0,2.2,5.0,1.5\n5.1,3.5,1.4,0.2\n` },
  { name: "legacy", method: "POST", path: "/invocations", type: "application/json", body: JSON.stringify({ data: [[6.0, 2.2, 5.0, 1.5]] }) },
  { name: "not json", method: "POST", path: "/invocations", type: "application/json", body: "{not json" },
  { name: "unknown type", method: "POST", path: "/invocations", type: "text/plain", body: "6.0,2.2,5.0,1.5" },
];
type Answer = { name: string; status: number; type: string; body: string };

/**
 * The Serve panel's model server as a class gets it (the sandbox on, as root, the kernel forker
 * on): MLflow's scoring server run by python/course_scoring_server.py, a fork of the kernel forker
 * in the learner's sandbox, answering what `mlflow models serve` answers; without a forker to ask,
 * the same entry inside bubblewrap. Neither has an `mlflow` command as its parent.
 */
describe("the Serve panel's model server in the sandbox", () => {
  let course: TempCourse;
  let site: string;
  let reference: ServedProcess;
  let netNamespace: string;

  const post = (apiPath: string, body: unknown, method = "POST") =>
    rawRequest(site, { method, path: apiPath, headers: { origin: site, "content-type": "application/json" }, body: JSON.stringify(body) });

  async function startServer(): Promise<void> {
    const started = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
    expect(started.status, started.text).toBe(200);
    let status = started.json;
    await waitAtMost(async () => (status = (await rawRequest(site, { path: "/api/model-server" })).json).state !== "starting", { timeoutMs: 150_000, intervalMs: 200 });
    expect(status.state, JSON.stringify(status.log?.slice(-20))).toBe("ready");
  }

  /** REQUESTS as the serving lesson's cells send them: from the learner's kernel, to 127.0.0.1:5050 in their network. */
  async function answersFromTheKernel(): Promise<Answer[]> {
    const cell = [
      "import json, requests",
      `answers = []`,
      `for r in json.loads(${JSON.stringify(JSON.stringify(REQUESTS))}):`,
      "    got = requests.request(r['method'], 'http://127.0.0.1:5050' + r['path'], data=r.get('body'), headers={'content-type': r['type']} if r.get('type') else {}, timeout=30)",
      "    answers.append({'name': r['name'], 'status': got.status_code, 'type': got.headers.get('content-type', ''), 'body': got.text})",
      "print(json.dumps(answers))",
    ].join("\n");
    const ran = await runCellAs(site, "", cell);
    expect(ran.stdout, ran.all).toMatch(/^\[/);
    return JSON.parse(ran.stdout);
  }

  async function answersFrom(url: string): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (const r of REQUESTS) {
      const got = await fetch(`${url}${r.path}`, { method: r.method, headers: r.type ? { "content-type": r.type } : {}, body: r.body });
      answers.push({ name: r.name, status: got.status, type: got.headers.get("content-type") ?? "", body: await got.text() });
    }
    return answers;
  }

  /** MLflow words one refusal with a Python set of the accepted keys, whose order changes from process to process. */
  const comparable = (answers: Answer[]) => answers.map((a) => ({ ...a, body: a.body.replace(/\{'[a-z_]+'(, '[a-z_]+')*\}/g, "{...}") }));

  function theServer(): { processes: MachineProcess[]; server: MachineProcess } {
    const processes = modelServerProcesses(netNamespace);
    // Not the launcher or bubblewrap, whose command lines name the scoring server too.
    const server = processes.find((p) => p.program !== "bwrap" && !isLauncher(p) && /kernel_forker\.py|course_scoring_server\.py|\bmlflow\b|\buvicorn\b/.test(p.command));
    expect(server, processes.map((p) => p.command).join("\n")).toBeDefined();
    return { processes, server: server! };
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "solo", COURSE_SANDBOX: "on", DATABASE_URL: "" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    await runFixture("stage_iris_model.py", course.config.mlflow.url);
    // The learner's kernel first: the lesson's cells call the server from it, in the learner's network.
    expect((await runCellAs(site, "", "print(6 * 7)")).stdout.trim()).toBe("42");
    netNamespace = learnerNetNamespace(`${sandboxNetnsPrefix(course.config)}${SOLO_LEARNER.id}`);
    // What the course used to run, unsandboxed on a port of the machine, for the answers to compare with.
    const port = await findFreePort();
    const bin = course.config.python.bin;
    reference = await startServedProcess({
      command: path.join(bin, "mlflow"),
      args: ["models", "serve", "-m", "models:/IrisModel/Staging", "-p", String(port), "--host", "127.0.0.1", "--env-manager", "local"],
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, MLFLOW_TRACKING_URI: course.config.mlflow.url, MLFLOW_DISABLE_TELEMETRY: "true" },
      cwd: os.tmpdir(),
      url: `http://127.0.0.1:${port}`,
      readyPath: "/ping",
      readyTimeoutMs: 150_000,
    });
  });
  afterAll(async () => {
    await reference?.stop();
    await course?.stop();
  });

  it("runs as root with the kernel forker, as a class does", () => {
    expect(course.config.sandbox.enabled).toBe(true);
    expect(usesKernelForker(course.config)).toBe(true);
  });

  it("answers as `mlflow models serve` does: ping, version, inputs, dataframe_split, CSV, and the old body refused with MLflow's 2.0 message", async () => {
    await startServer();
    const fromCourse = await answersFromTheKernel();
    const fromMlflow = await answersFrom(reference.url);
    expect(comparable(fromCourse)).toEqual(comparable(fromMlflow));
    const answer = (name: string) => fromCourse.find((a) => a.name === name)!;
    expect(answer("ping").status).toBe(200);
    expect(answer("version").body).toBe((await (await fetch(`${course.config.mlflow.url}/version`)).text()).trim());
    expect(JSON.parse(answer("inputs").body).predictions).toHaveLength(2);
    expect(JSON.parse(answer("csv").body).predictions).toHaveLength(2);
    expect(answer("dataframe_split").status).toBe(200);
    expect(answer("legacy").status).toBe(400);
    expect(JSON.parse(answer("legacy").body).message).toContain("scoring protocol has changed in MLflow version 2.0");
  });

  it("answers at the address the Serve panel shows from any program of this machine (solo mode: the learner owns it)", async () => {
    const shown = (await rawRequest(site, { path: "/api/model-server" })).json.url;
    expect(shown).toBe("http://127.0.0.1:5050");
    expect(comparable(await answersFrom(shown))).toEqual(comparable(await answersFromTheKernel()));
  });

  it("refuses a port another program of this machine holds, with what to do, and starts nothing", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(5051, "127.0.0.1", resolve));
    try {
      const refused = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5051 });
      expect(refused.status, refused.text).toBe(409);
      expect(refused.json.error.message).toMatch(/^Port 5051 of this machine is in use by another program.*Choose another port between 5050 and \d+/);
      // The learner's server on 5050 is as it was: a refused start replaces nothing.
      expect(modelServerProcesses(netNamespace).length).toBeGreaterThan(0);
      expect((await rawRequest(site, { path: "/api/model-server" })).json).toMatchObject({ state: "ready", port: 5050 });
    } finally {
      holder.close();
    }
  });

  it("is a fork of the kernel forker in the learner's sandbox, as the sandbox's user, with no `mlflow` command as its parent", () => {
    const { processes, server } = theServer();
    const forker = machineProcesses().find((p) => p.pid === server.ppid);
    expect(forker?.command).toContain(`kernel_forker.py ${kernelForkerSocket(course.config)}`);
    expect(forker?.uid).toBe(0);
    expect(server.uid).toBe(course.config.sandbox.uid);
    expect(server.netNamespace).toBe(netNamespace);
    // The launcher that asked for it waits for it as the small fork_waiter.py, bubblewrap's parent.
    const waiter = processes.find((p) => p.command.includes("course_sandbox/fork_waiter.py"));
    expect(waiter?.uid).toBe(0);
    expect(processes.find((p) => p.ppid === waiter?.pid)?.program).toBe("bwrap");
    expect(processes.filter((p) => /\bmlflow models serve\b|\buvicorn\b|course_scoring_server\.py/.test(p.command) && p.program !== "bwrap" && !isLauncher(p))).toEqual([]);
    // Like every process of a learner's sandbox (not like the forker, a service), first for the out-of-memory killer.
    expect(processes.map((p) => [p.command.slice(0, 60), fs.readFileSync(`/proc/${p.pid}/oom_score_adj`, "utf8").trim()]).filter(([, score]) => score !== "1000")).toEqual([]);
  });

  it("without a kernel forker to ask, runs the same scoring server inside bubblewrap, still without the `mlflow` command", async () => {
    const socket = kernelForkerSocket(course.config);
    fs.renameSync(socket, `${socket}.away`);
    try {
      await startServer();
    } finally {
      fs.renameSync(`${socket}.away`, socket);
    }
    const { processes, server } = theServer();
    expect(server.command).toMatch(/\/python \S+\/course_scoring_server\.py --model-uri models:\/IrisModel\/Staging --port 5050/);
    expect(server.uid).toBe(course.config.sandbox.uid);
    // Its parent is the sandbox's first process (bubblewrap), inside the sandbox's PID namespace.
    const parent = processes.find((p) => p.pid === server.ppid);
    expect(parent?.program).toBe("bwrap");
    expect(parent?.pidNamespace).toBe(server.pidNamespace);
    expect(processes.filter((p) => /\bmlflow models serve\b|\buvicorn\b/.test(p.command) && p.program !== "bwrap")).toEqual([]);
    const fromCourse = await answersFromTheKernel();
    expect(comparable(fromCourse)).toEqual(comparable(await answersFrom(reference.url)));
  });

  it("says in plain words why a forked server could not start: the learner's own code holds the port", async () => {
    const running = theServer().processes;
    expect((await post("/api/model-server", {}, "DELETE")).status).toBe(200);
    // Its sandbox ends with its launcher; the last of its processes may take a moment more to go.
    await expectAllGone(running);
    // SO_REUSEADDR, as uvicorn binds: the connections of the server just stopped may linger in TIME_WAIT.
    const held = await runCellAs(site, "", "import socket\n_held_5050 = socket.socket(); _held_5050.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); _held_5050.bind(('127.0.0.1', 5050)); _held_5050.listen(); print('held')");
    expect(held.stdout.trim(), held.all).toBe("held");
    try {
      const started = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
      expect(started.status, started.text).toBe(200);
      let status = started.json;
      await waitAtMost(async () => (status = (await rawRequest(site, { path: "/api/model-server" })).json).state !== "starting", { timeoutMs: 150_000, intervalMs: 200 });
      expect(status.state).toBe("failed");
      expect(status.reason).toBe("Port 5050 is in use; choose another port.");
      expect(status.log.join("\n")).toMatch(/address already in use/);
    } finally {
      await runCellAs(site, "", "_held_5050.close()");
    }
  });

  it("ends its whole sandbox, the forked server included, when stopped", async () => {
    await startServer();
    const { processes, server } = theServer();
    expect(server.command).toContain("kernel_forker.py");
    const stopped = await post("/api/model-server", {}, "DELETE");
    expect(stopped.status, stopped.text).toBe(200);
    await expectAllGone(processes);
  });

  it("leaves nothing behind when the site exits at once (killAllNow), the forked server included", async () => {
    // A manager as the site builds one, killed as the site's last resort on exit kills its servers.
    const config = course.config;
    const manager = new ModelServerManager({
      pythonBin: path.join(config.python.bin, "python"),
      scoringServer: path.join(config.projectRoot, "python", "course_scoring_server.py"),
      mlflowUrl: config.mlflow.url,
      baseEnv: process.env,
      portRange: config.modelServers.portRange,
      idleTimeoutMs: 600_000,
      readyTimeoutMs: 150_000,
      workdirFor: (id) => path.join(config.jupyter.rootDir, id),
      launching: modelServerLaunching(chooseLauncher(config), (id) => learnerToken(loadSessionSecret(course.dataDir), id)),
    });
    try {
      await manager.start(SOLO_LEARNER.id, "models:/IrisModel/Staging", 5050);
      await waitAtMost(async () => (await manager.status(SOLO_LEARNER.id))?.state !== "starting", { timeoutMs: 150_000, intervalMs: 200 });
      expect((await manager.status(SOLO_LEARNER.id))?.state).toBe("ready");
      const { processes, server } = theServer();
      expect(server.command).toContain("kernel_forker.py");
      manager.killAllNow();
      await expectAllGone(processes);
    } finally {
      manager.dispose();
    }
  });

  it("ends with the site's Node process when it dies alone; the restarted site says so and serves again", async () => {
    await startServer();
    const { processes } = theServer();
    const siteService = course.supervisor.supervisor("site")!;
    const pid = siteService.status().pid!;
    process.kill(pid, "SIGKILL");
    await expectAllGone(processes);
    expect(await fetch("http://127.0.0.1:5050/ping").then((r) => r.status, (error: Error) => error.message)).toBe("fetch failed");
    await waitAtMost(async () => siteService.status().pid !== pid && (await fetch(`${site}/api/health/live`).then((r) => r.ok, () => false)), { timeoutMs: 120_000, intervalMs: 500 });
    const after = (await rawRequest(site, { path: "/api/model-server" })).json;
    expect(after.state).toBe("stopped");
    expect(after.log.at(-1)).toBe(SITE_RESTARTED);
    await startServer();
    expect((await fetch("http://127.0.0.1:5050/ping")).status).toBe(200);
  });

  async function expectAllGone(processes: MachineProcess[]) {
    const left = () => processes.filter((p) => fs.existsSync(`/proc/${p.pid}`)).map((p) => `${p.pid} ${fs.readFileSync(`/proc/${p.pid}/stat`, "utf8").split(") ")[1]?.slice(0, 12)} ${p.command.slice(0, 60)}`);
    await waitAtMost(() => left().length === 0, { timeoutMs: 10_000, intervalMs: 100 });
    expect(left()).toEqual([]);
    expect(modelServerProcesses(netNamespace)).toEqual([]);
  }
});
