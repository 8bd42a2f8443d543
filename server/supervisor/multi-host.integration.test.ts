import { spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS } from "@/grader/grade";
import { startSparkCluster, type SparkCluster } from "@/grader/testing/spark-cluster";
import { waitUntil } from "@/lib/process/wait-until";
import { startTestPostgres } from "../../scripts/testing/postgres.mjs";
import { loadConfig, type Env } from "../config/config";
import { lessonProgram, listLessons } from "../lessons/lesson-catalog";
import { createNetworkHosts, type NetworkHost, type NetworkHosts } from "../testing/network-hosts";
import { joinClass, rawRequest, signInAsInstructor, readCellRun, type CellRunOutcome } from "../testing/raw-http";
import { mlflowServiceSpec } from "./course-services";

/**
 * A class spread over three machines, each a network namespace with its own loopback
 * (server/testing/network-hosts.ts), so every service must be reached at its host's address:
 *
 * - data:    PostgreSQL (the course's store and MLflow's backend store) and MLflow with workspaces;
 * - kernels: Jupyter Enterprise Gateway (kernels as local processes) and a Spark standalone cluster;
 * - web:     two course instances (site only) behind HAProxy, the one address the test talks to.
 *
 * A learner walks the whole course through HAProxy: lesson pages, every exercise's solution and
 * Check, the Serve panel and the playground, the Spark Check on the cluster, the instructor's
 * dashboard. Then one instance is killed (SIGKILL, no goodbye) and the class goes on through the other.
 *
 * Needs root (network namespaces), haproxy and iproute2 (installed by `npm test`), Java 17 and a
 * built site. MULTI_HOST_DEBUG=1 prints every service's output and the sites' logs at the end.
 */
const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const pythonBin = path.join(projectRoot, ".venv", "bin", "python");
const gatewayBin = path.join(projectRoot, ".venv-gateway", "bin", "jupyter");
const lessons = listLessons(projectRoot);

const KERNEL_NAME = "mlflow-training-python";
const INSTRUCTOR_PASSWORD = "multi-host-secret";
// Each host has ports of its own: fixed ports are safe even with several runs at once.
const POSTGRES_PORT = 5432;
const MLFLOW_PORT = 5000;
const GATEWAY_PORT = 8888;
const SITE_PORTS = [3000, 3001];
const BALANCER_PORT = 8080;

type Instance = { name: string; port: number; dataDir: string; process: ChildProcess; log: string[] };
type Outcome = CellRunOutcome;

describe("a class over three hosts: data, kernels, and two course instances behind HAProxy", () => {
  let network: NetworkHosts;
  let data: NetworkHost;
  let kernels: NetworkHost;
  let web: NetworkHost;
  let cluster: SparkCluster | undefined;
  let postgres: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
  const instances: Instance[] = [];
  const folders: string[] = [];
  const logs: Record<string, string[]> = {};
  /** The load balancer: the only address of the class the test (the learner's browser) uses. */
  let site = "";
  let instructor = "";
  let learner = { cookie: "", id: "" };
  /** Exercises whose Check passed in this run: what the dashboard must show. */
  const passedChecks = new Set<string>();
  /** The instance that answered the Serve panel's Start (where the model server was started). */
  let modelServerStartedOn = "";

  const temporaryFolder = (prefix: string) => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };
  /** Starts a long-running service on a host; its output is kept for failure messages. */
  const startOn = (host: NetworkHost, name: string, command: string, args: string[], options: { env?: Env; cwd?: string } = {}) => {
    const child = network.spawnIn(host, command, args, { env: (options.env ?? process.env) as NodeJS.ProcessEnv, cwd: options.cwd });
    const lines = (logs[name] = [] as string[]);
    for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (chunk: Buffer) => lines.push(chunk.toString()));
    return child;
  };
  const tail = (name: string) => (logs[name] ?? []).join("").slice(-2500);

  const post = (route: string, body: unknown, cookie = learner.cookie) =>
    rawRequest(site, { method: "POST", path: route, headers: { origin: site, cookie, "content-type": "application/json" }, body: JSON.stringify(body) });
  const get = (route: string, cookie = learner.cookie) => rawRequest(site, { path: route, headers: { cookie } });

  async function runCell(lesson: string, cellId: string, code: string): Promise<Outcome> {
    return readCellRun(await post("/api/cells/run", { lesson, cellId, code }));
  }

  /** Runs the lesson's cells with the solutions, each expected to succeed; what each printed. */
  async function runLesson(slug: string): Promise<Record<string, string>> {
    const printed: Record<string, string> = {};
    for (const cell of lessonProgram(projectRoot, slug)) {
      const { text, ...outcome } = await runCell(slug, cell.id, cell.code);
      expect({ cell: cell.id, ...outcome }).toEqual({ cell: cell.id, status: "ok", problems: [] });
      printed[cell.id] = text;
    }
    return printed;
  }

  /** "passed", or what failed. */
  async function check(exercise: string): Promise<string> {
    let checked = await post(`/api/exercises/${exercise}/check`, {});
    // The walk presses Check more than 6 times a minute (the limit, counted across instances): wait as a learner is told to.
    if (checked.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, (Number(checked.headers["retry-after"]) + 1) * 1000));
      checked = await post(`/api/exercises/${exercise}/check`, {});
    }
    const report = checked.json?.report;
    if (report?.status === "passed") passedChecks.add(exercise);
    return report?.status === "passed" ? "passed" : `${checked.status} ${JSON.stringify(report?.checks?.filter((one: { status: string }) => one.status !== "passed") ?? checked.json ?? checked.text)}`;
  }

  /** The data folders of the instances that answered `count` requests through HAProxy (/api/health names its own). */
  async function instancesAnswering(count: number): Promise<{ dataDirs: Set<string>; statuses: number[] }> {
    const dataDirs = new Set<string>();
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const health = await get("/api/health");
      statuses.push(health.status);
      if (health.json?.dataDir?.path) dataDirs.add(health.json.dataDir.path);
    }
    return { dataDirs, statuses };
  }

  async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number, diagnostics: () => string): Promise<void> {
    await waitUntil(ready, { what, timeoutMs, intervalMs: 250, details: diagnostics });
  }

  /**
   * PostgreSQL on the data host: the tests' one throwaway PostgreSQL (scripts/testing/postgres.mjs),
   * started inside the host's namespace on its address, password logins from the hosts' subnet, one
   * database for the course's store and one for MLflow's. Set up through its socket folder, so the
   * password never goes on a command line of another host.
   */
  async function startPostgres(): Promise<void> {
    postgres = await startTestPostgres({
      listenAddress: data.address,
      port: POSTGRES_PORT,
      commandPrefix: ["ip", "netns", "exec", data.namespace],
      allowFrom: [network.subnet],
      databases: ["course_store", "mlflow_store"],
    });
  }

  /** MLflow on the data host, started with the very args and environment the course gives its own (course-services.ts), on the host's address. */
  async function startMlflow(): Promise<void> {
    const config = loadConfig({
      COURSE_DATA_DIR: temporaryFolder("multi-host-mlflow-"),
      COURSE_MODE: "classroom",
      MLFLOW_PORT: String(MLFLOW_PORT),
      MLFLOW_WORKERS: "1",
      // SQLAlchemy 2.1 reads postgresql:// with psycopg 3, which .venv has.
      COURSE_MLFLOW_DATABASE_URL: postgres!.urlFor("mlflow_store"),
      COURSE_MLFLOW_ARTIFACTS_DIR: temporaryFolder("multi-host-artifacts-"),
    }, { projectRoot });
    const spec = mlflowServiceSpec(config);
    const args = spec.args.map((arg) => (arg === "127.0.0.1" ? data.address : arg));
    expect(args, "the course's MLflow binds loopback; here it must bind the data host's address").toContain(data.address);
    startOn(data, "mlflow", spec.command, args, { env: spec.env, cwd: spec.cwd });
    await waitFor("MLflow", async () => (await fetch(`http://${data.address}:${MLFLOW_PORT}/health`)).ok, 180_000, () => tail("mlflow"));
  }

  /** Jupyter Enterprise Gateway on the kernels host, offering the course's Python (as server/kernels/enterprise-gateway.integration.test.ts). */
  async function startGateway(token: string): Promise<void> {
    const specs = temporaryFolder("multi-host-kernels-");
    fs.mkdirSync(path.join(specs, "kernels", KERNEL_NAME), { recursive: true });
    fs.writeFileSync(
      path.join(specs, "kernels", KERNEL_NAME, "kernel.json"),
      JSON.stringify({ display_name: "MLflow Training", language: "python", argv: [pythonBin, "-m", "ipykernel_launcher", "-f", "{connection_file}"] }),
    );
    const root = path.join(specs, "root");
    fs.mkdirSync(root);
    startOn(kernels, "gateway", gatewayBin, [
      "enterprisegateway", `--ip=${kernels.address}`, `--port=${GATEWAY_PORT}`, `--EnterpriseGatewayApp.auth_token=${token}`,
      `--KernelSpecManager.whitelist=["${KERNEL_NAME}"]`, `--EnterpriseGatewayApp.unauthorized_users=["${os.userInfo().username}"]`,
    // SPARK_LOCAL_IP: a kernel's Spark driver binds the kernels host's address, where the cluster's executors connect back to it.
    ], { env: { ...process.env, JUPYTER_PATH: specs, JUPYTER_RUNTIME_DIR: path.join(specs, "runtime"), SPARK_LOCAL_IP: kernels.address }, cwd: root });
    const url = `http://${kernels.address}:${GATEWAY_PORT}/api/kernelspecs`;
    await waitFor("Enterprise Gateway", async () => (await fetch(url, { headers: { authorization: `token ${token}` } })).status === 200, 60_000, () => tail("gateway"));
  }

  /** One course instance on the web host, started as `npm start` starts one (scripts/serve.ts), with MLflow and Jupyter external. */
  async function startInstance(index: number, shared: Env): Promise<Instance> {
    const name = `instance-${index}`;
    const port = SITE_PORTS[index];
    const dataDir = temporaryFolder(`multi-host-${name}-`);
    const child = startOn(web, name, process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "serve.ts")], {
      cwd: projectRoot,
      env: { ...process.env, ...shared, COURSE_DATA_DIR: dataDir, PORT: String(port) },
    });
    const instance: Instance = { name, port, dataDir, process: child, log: logs[name] };
    await waitFor(name, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${tail(name)}`);
      return instance.log.join("").includes("COURSE_READY");
    }, 120_000, () => tail(name));
    return instance;
  }

  /** HAProxy on the web host: round robin, no stickiness, instances taken out when /api/health/ready fails. */
  async function startBalancer(): Promise<void> {
    const folder = temporaryFolder("multi-host-haproxy-");
    const config = path.join(folder, "haproxy.cfg");
    fs.writeFileSync(config, [
      "global",
      "  maxconn 512",
      // Notices (an instance taken out or back, and why) on stderr; not every request.
      "  log stderr format raw local0 notice",
      "defaults",
      "  log global",
      "  mode http",
      "  timeout connect 2s",
      // Cell runs stream for as long as the cell runs; a model server may take minutes to start.
      "  timeout client 10m",
      "  timeout server 10m",
      // The course trusts this proxy's X-Forwarded-For (COURSE_TRUST_PROXY): per-client limits count the browser, not HAProxy.
      "  option forwardfor",
      // A request that cannot connect to a dead instance goes to another one, before checks notice.
      "  retries 2",
      "  option redispatch 1",
      "frontend course",
      `  bind ${web.address}:${BALANCER_PORT}`,
      "  default_backend instances",
      "backend instances",
      "  balance roundrobin",
      "  option httpchk GET /api/health/ready",
      "  http-check expect status 200",
      // Which instance answered, for the test to know where the learner's model server was started.
      "  http-response set-header X-Served-By %[srv_name]",
      // /api/health/ready probes only what an instance runs itself (here nothing: store, MLflow and
      // gateway are shared), so it answers as long as the instance's site does.
      "  timeout check 5s",
      ...instances.map((instance) => `  server ${instance.name} ${web.address}:${instance.port} check inter 2s fall 3 rise 2`),
      "",
    ].join("\n"));
    startOn(web, "haproxy", "haproxy", ["-db", "-f", config]);
    site = `http://${web.address}:${BALANCER_PORT}`;
    await waitFor("HAProxy", async () => (await fetch(`${site}/api/health/ready`)).status === 200, 30_000, () => tail("haproxy"));
  }

  beforeAll(async () => {
    network = await createNetworkHosts(["data", "kernels", "web"]);
    ({ data, kernels, web } = network.hosts);
    const token = crypto.randomBytes(16).toString("hex");

    // The data host first (MLflow needs its store); the kernels host at the same time.
    const kernelsHost = Promise.all([
      startGateway(token),
      startSparkCluster(pythonBin, { bindAddress: kernels.address, spawn: (command, args, options) => network.spawnIn(kernels, command, args, options) }).then((started) => (cluster = started)),
    ]);
    await startPostgres();
    await startMlflow();
    await kernelsHost;

    const balancer = `http://${web.address}:${BALANCER_PORT}`;
    const shared: Env = {
      HOST: web.address,
      COURSE_MODE: "classroom",
      COURSE_SANDBOX: "off",
      COURSE_INSTRUCTOR_PASSWORD: INSTRUCTOR_PASSWORD,
      COURSE_SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
      COURSE_PUBLIC_URL: balancer,
      COURSE_TRUST_PROXY: web.address,
      DATABASE_URL: postgres!.urlFor("course_store"),
      MLFLOW_TRACKING_URI: `http://${data.address}:${MLFLOW_PORT}`,
      JUPYTER_URL: `http://${kernels.address}:${GATEWAY_PORT}`,
      JUPYTER_TOKEN: token,
      JUPYTER_KERNEL_NAME: KERNEL_NAME,
      // Kernels on the kernels host reach MLflow only through the gate, through the load balancer.
      COURSE_GATE_URL: `${balancer}/mlflow-gate`,
      SPARK_MASTER: cluster!.masterUrl,
      // The Spark Check's driver runs beside the instance; executors on the kernels host connect back to it here.
      SPARK_LOCAL_IP: web.address,
      // Where other hosts reach this instance (model servers bind and are advertised there).
      COURSE_INSTANCE_HOST: web.address,
    };
    // Both at once, as a deployment starts them: they migrate the one store together.
    instances.push(...(await Promise.all([0, 1].map((index) => startInstance(index, shared)))));
    await startBalancer();

    instructor = await signInAsInstructor(site, INSTRUCTOR_PASSWORD);
    const classCode = (await get("/api/instructor/class", instructor)).json.classCode;
    learner = await joinClass(site, classCode, "Ada");
  }, 300_000);

  afterAll(async () => {
    // HAProxy says on stderr when it takes an instance out, and why: worth seeing when a step failed.
    if (/is DOWN|no server available/.test(tail("haproxy"))) console.warn(`HAProxy took instances out:\n${tail("haproxy")}`);
    if (process.env.MULTI_HOST_DEBUG) {
      for (const name of Object.keys(logs)) console.warn(`==== ${name}\n${tail(name)}`);
      for (const instance of instances) console.warn(`==== ${instance.name} site.log\n${fs.readFileSync(path.join(instance.dataDir, "run", "logs", "site.log"), "utf8").slice(-4000)}`);
    }
    // Everything the test started runs in the three namespaces: removing them ends it all.
    await cluster?.stop().catch(() => undefined);
    await network?.remove();
    postgres?.stop();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it("binds every service to its host's address: nothing is reachable on another host's loopback", async () => {
    const probe = (host: NetworkHost, url: string) => {
      try {
        network.runIn(host, "curl", ["-s", "-o", "/dev/null", "-m", "3", url]);
        return "answered";
      } catch {
        return "unreachable";
      }
    };
    expect(probe(web, `http://127.0.0.1:${MLFLOW_PORT}/health`)).toBe("unreachable");
    expect(probe(web, `http://${data.address}:${MLFLOW_PORT}/health`)).toBe("answered");
    expect(probe(kernels, `http://127.0.0.1:${SITE_PORTS[0]}/api/health/live`)).toBe("unreachable");
    expect(probe(kernels, `${site}/api/health/live`)).toBe("answered");
  });

  it("spreads the learner's requests over both instances (no stickiness)", async () => {
    const answered = await instancesAnswering(6);
    expect(answered.statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect([...answered.dataDirs].sort()).toEqual(instances.map((instance) => instance.dataDir).sort());
  });

  it("serves every lesson page to the learner", async () => {
    for (const lesson of lessons) {
      const page = await get(`/lessons/${lesson.frontMatter.slug}`);
      expect({ lesson: lesson.frontMatter.slug, status: page.status }).toEqual({ lesson: lesson.frontMatter.slug, status: 200 });
    }
  });

  // Lessons before the serving one: their cells with the solutions on the gateway's kernel, then each exercise's Check.
  for (const lesson of lessons.filter((one) => one.frontMatter.order < 5)) {
    const { slug, order, title, exercises } = lesson.frontMatter;
    it(`runs lesson ${order} (${title}) on the kernels host and passes its Check${exercises.length === 1 ? "" : "s"}`, { timeout: 300_000 }, async () => {
      await runLesson(slug);
      for (const exercise of exercises) expect({ exercise, outcome: await check(exercise) }).toEqual({ exercise, outcome: "passed" });
    });
  }

  it("serves the learner's Staging model from the Serve panel: ready, the playground answers, the lesson's cells reach it, the Check passes", { timeout: 300_000 }, async () => {
    // A model with nothing in that stage is the learner's mistake, said as such (400), on either instance.
    for (let i = 0; i < 2; i++) {
      const refused = await post("/api/model-server", { modelUri: "models:/IrisModel/Production", port: 5050 });
      expect.soft({ status: refused.status, message: refused.json?.error?.message }, refused.headers["x-served-by"] as string).toEqual({ status: 400, message: expect.stringContaining("has no version in Production") });
    }
    const started = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
    expect(started.status, `${started.text}\n${instances.map((instance) => tail(instance.name)).join("\n")}`).toBe(200);
    modelServerStartedOn = String(started.headers["x-served-by"] ?? "");
    // Every status request may reach either instance: wait until one says ready, then both must.
    // (Soft expectations from here: each of these steps is reported, not only the first to fail.)
    let state = started.json.state;
    const seen: string[] = [];
    for (let waited = 0; state !== "ready" && state !== "failed" && waited < 150; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const status = await get("/api/model-server");
      state = status.json?.exists === false ? "none" : status.json?.state;
      seen.push(`${status.headers["x-served-by"]}: ${state}`);
    }
    expect(state, `states seen through HAProxy: ${seen.join(", ")}`).toBe("ready");
    const statuses = await Promise.all([0, 1].map(() => get("/api/model-server")));
    expect.soft(Object.fromEntries(statuses.map((status) => [status.headers["x-served-by"], status.json?.state ?? status.json])), "both instances report the learner's server").toEqual(
      Object.fromEntries(instances.map((instance) => [instance.name, "ready"])),
    );

    const answers = await Promise.all([0, 1].map(() => post("/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }), contentType: "application/json" })));
    expect.soft(Object.fromEntries(answers.map((answer) => [answer.headers["x-served-by"], answer.status === 200 ? JSON.parse(answer.json.body) : answer.text])), "the playground answers on both instances").toEqual(
      Object.fromEntries(instances.map((instance) => [instance.name, { predictions: [0] }])),
    );

    // The lesson's cells run on the kernels host: MODEL_SERVER_URL must be an address that host reaches.
    // Kernels share the instances' addresses (no sandbox): the server answers only under its private path.
    const where = await runCell(
      "model-serving",
      "wait-for-server",
      "import os, requests\nurl = os.environ.get('MODEL_SERVER_URL', '')\ntry:\n    print(url, requests.get(url + '/ping', timeout=3).status_code, requests.get(url.split('/s/')[0] + '/ping', timeout=3).status_code)\nexcept Exception as error:\n    print(url, type(error).__name__)",
    );
    expect.soft(where.text.trim(), `the kernel's MODEL_SERVER_URL, GET /ping there and at the bare port from the kernels host: ${JSON.stringify(where)}`).toMatch(
      new RegExp(`^http://${web.address.replaceAll(".", "\\.")}:5050/s/[A-Za-z0-9_-]{24} 200 404$`),
    );
    // The lesson itself waits up to 110 s for a server it cannot reach: only run it when the kernel reaches the server.
    if (where.text.trim().endsWith(" 200 404")) await runLesson("model-serving");
    expect.soft(await check("model-serving"), "the serving Check, on whichever instance HAProxy picks").toBe("passed");
  });

  it("runs the Spark lesson's cells on the class's cluster (SPARK_MASTER), and passes the Spark Check there, the driver beside the instance", { timeout: 300_000 }, async () => {
    const printed = await runLesson("spark-integration");
    expect(printed["start-spark"], "the lesson says where Spark runs").toContain(`master = ${cluster!.masterUrl}`);
    const ran = await cluster!.status();
    expect([...ran.completedapps, ...ran.activeapps].map((app) => app.name), "the lesson's own session ran on the cluster").toContain("mlflow-training");
    const before = ran.completedapps.length;
    expect(await check("spark-integration")).toBe("passed");
    const apps = await cluster!.status();
    expect(apps.completedapps.length + apps.activeapps.length, "the Check's Spark application ran on the cluster").toBeGreaterThan(before);
    expect(apps.completedapps.map((app) => app.name)).toContain("mlflow-training-check");
  });

  it("shows the learner's progress on the instructor's dashboard: passed exactly where a Check passed", async () => {
    const dashboard = await get("/api/instructor/dashboard", instructor);
    expect(dashboard.status, dashboard.text).toBe(200);
    const row = dashboard.json.matrix.find((one: { displayName: string }) => one.displayName === "Ada");
    const states = Object.fromEntries(EXERCISE_IDS.map((exercise) => [exercise, row?.cells?.[exercise]?.state]));
    expect(passedChecks.size, "Checks passed in this run").toBeGreaterThanOrEqual(3);
    expect(Object.keys(states).filter((exercise) => states[exercise] === "passed").sort()).toEqual([...passedChecks].sort());
  });

  describe("after one instance is killed", () => {
    let survivor: Instance;

    beforeAll(async () => {
      // The instance that started the learner's model server: the one whose loss the Serve panel must survive.
      const victim = instances.find((instance) => instance.name === modelServerStartedOn) ?? instances[0];
      survivor = instances.find((instance) => instance !== victim)!;
      // State in the learner's kernel before the kill, to find again after it.
      const marked = await runCell("tracking-example", "load-data", "multi_host_marker = 41");
      expect(marked.status, JSON.stringify(marked)).toBe("ok");
      killInstance(victim.process.pid!);
      await new Promise((resolve) => victim.process.exitCode !== null || victim.process.signalCode !== null ? resolve(null) : victim.process.once("exit", resolve));
      // The victim's site no longer answers on its own port.
      expect(spawnSync("ip", ["netns", "exec", web.namespace, "curl", "-s", "-m", "3", `http://${web.address}:${victim.port}/api/health/live`]).status).not.toBe(0);
    }, 60_000);

    it("answers every request through HAProxy, all from the surviving instance", async () => {
      const answered = await instancesAnswering(6);
      expect(answered.statuses).toEqual([200, 200, 200, 200, 200, 200]);
      expect([...answered.dataDirs]).toEqual([survivor.dataDir]);
    });

    it("runs more cells on the same kernel and passes a Check", { timeout: 120_000 }, async () => {
      const ran = await runCell("tracking-example", "load-data", "import os\nprint(multi_host_marker + 1, os.environ['MLFLOW_TRACKING_URI'] == " + JSON.stringify(`${site}/mlflow-gate`) + ")");
      expect({ status: ran.status, printed: ran.text.trim() }, JSON.stringify(ran)).toEqual({ status: "ok", printed: "42 True" });
      expect(await check("tracking-exercise")).toBe("passed");
    });

    it("says the learner's model server went with the instance that ran it, and starts it again on the survivor", { timeout: 240_000 }, async () => {
      expect(modelServerStartedOn, "the Serve panel's Start answered (see the Serve panel's test)").not.toBe("");
      // Within the instance's silence limit (20 s), the panel says what happened and what to do.
      let status = await get("/api/model-server");
      for (let waited = 0; status.json?.state === "ready" && waited < 40; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        status = await get("/api/model-server");
      }
      expect(status.json, status.text).toMatchObject({ exists: true, state: "failed", reason: expect.stringMatching(/course instance that ran your model server has stopped.*Start it again/) });
      const refused = await post("/api/model-server/invocations", { body: JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5]] }), contentType: "application/json" });
      expect(refused.status, refused.text).toBe(409);

      const started = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
      expect(started.status, started.text).toBe(200);
      let state = started.json.state;
      for (let waited = 0; state === "starting" && waited < 150; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        state = (await get("/api/model-server")).json?.state;
      }
      expect(state).toBe("ready");
      const answer = await post("/api/model-server/invocations", { body: JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5]] }), contentType: "application/json" });
      expect({ status: answer.status, predictions: answer.json?.body ? JSON.parse(answer.json.body).predictions?.length : answer.text }).toEqual({ status: 200, predictions: 1 });
      // The kernel on the kernels host finds the new server too.
      const where = await runCell("model-serving", "wait-for-server", "import os, requests\nurl = os.environ['MODEL_SERVER_URL']\nprint(url, requests.get(url + '/ping', timeout=3).status_code)");
      expect(where.text.trim(), JSON.stringify(where)).toMatch(new RegExp(`^http://${web.address.replaceAll(".", "\\.")}:5050/s/[A-Za-z0-9_-]{24} 200$`));
      expect(await check("model-serving")).toBe("passed");
    });

    it("shows the class on the instructor's dashboard", async () => {
      const dashboard = await get("/api/instructor/dashboard", instructor);
      expect(dashboard.status, dashboard.text).toBe(200);
      const row = dashboard.json.matrix.find((one: { displayName: string }) => one.displayName === "Ada");
      expect(row?.cells?.["tracking-exercise"]?.state).toBe("passed");
      expect(row?.cells?.["tracking-exercise"]?.attempts).toBeGreaterThanOrEqual(2);
    });
  });
});

/**
 * Kills a course instance as the loss of its host or pod would (SIGKILL, no clean-up): every
 * process group in its process tree, the supervisor's, the site's and the model servers' it ran.
 */
function killInstance(pid: number): void {
  const tree = (root: number): number[] => [root, ...childrenOf(root).flatMap(tree)];
  const groups = new Set(tree(pid).map(processGroupOf).filter((group) => group > 1));
  for (const group of groups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function childrenOf(pid: number): number[] {
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** Field 5 of /proc/<pid>/stat, after the parenthesized command name; 0 when the process is gone. */
function processGroupOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) || 0;
  } catch {
    return 0;
  }
}
