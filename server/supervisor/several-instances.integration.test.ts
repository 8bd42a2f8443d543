import crypto from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitAtMost } from "@/lib/process/wait-until";
import type { Env } from "../config/config";
import { probeJupyter } from "../health/probes";
import { findFreePort } from "../net/free-port";
import { joinClass, rawRequest, runCellAs, signInAsInstructor } from "../testing/raw-http";
import { WRONG_CLASS_CODES } from "../identity/course-identity";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { findLesson } from "../lessons/lesson-catalog";
import { createTestDatabase, type TestDatabase } from "../testing/test-postgres";

/**
 * Two course instances that share nothing on disk: one PostgreSQL (DATABASE_URL), one
 * Jupyter server they did not start (JUPYTER_URL, as a kernel gateway would be), one MLflow
 * (MLFLOW_TRACKING_URI) and the signing key (COURSE_SESSION_SECRET). A learner may use either,
 * and goes on when one is gone.
 */
describe("two course instances behind one class", () => {
  let database: TestDatabase;
  let backing: TempCourse;
  const instances: TempCourse[] = [];
  const sites: string[] = [];
  let instructor = "";
  let learner = { cookie: "", id: "" };
  let modelPorts = 0;

  const run = (site: string, code: string) => runCellAs(site, learner.cookie, code);
  const check = (site: string) =>
    rawRequest(site, { method: "POST", path: "/api/exercises/tracking-example/check", headers: { origin: site, cookie: learner.cookie, "content-type": "application/json" }, body: "{}" });

  beforeAll(async () => {
    database = await createTestDatabase("instances_test");
    modelPorts = ((await findFreePort()) % 10000) + 20000;
    // MLflow with workspaces, as a class's; no site of its own.
    backing = await startTempCourse(["mlflow", "jupyter"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "unused-secret", COURSE_SANDBOX: "off", DATABASE_URL: "" });
    const shared: Env = {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "two-instances-secret",
      COURSE_SANDBOX: "off",
      DATABASE_URL: database.url,
      MLFLOW_TRACKING_URI: backing.config.mlflow.url,
      JUPYTER_URL: backing.config.jupyter.url,
      JUPYTER_TOKEN: backing.config.jupyter.token,
      COURSE_SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
      // Below the machine's ephemeral ports, apart from other tests' model servers.
      MODEL_SERVER_PORTS: `${modelPorts}-${modelPorts + 9}`,
    };
    for (let i = 0; i < 2; i++) {
      const instance = await startTempCourse(["site"], shared);
      instances.push(instance);
      sites.push(`http://127.0.0.1:${instance.config.site.port}`);
    }
    instructor = await signInAsInstructor(sites[0], "two-instances-secret");
    const classCode = (await rawRequest(sites[1], { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    learner = await joinClass(sites[1], classCode, "Ada");
  }, 240_000);

  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await backing?.stop();
    await database?.drop();
  });

  it("starts no Jupyter of its own, and reports the external one on its health", async () => {
    for (const instance of instances) expect(instance.supervisor.statuses().map((service) => service.name)).toStrictEqual(["site"]);
    const health = await rawRequest(sites[1], { path: "/api/health", headers: { cookie: learner.cookie } });
    expect(health.json.jupyter, health.text).toMatchObject({ ok: true, external: true });
  });

  it("says what is wrong with an external Jupyter: a kernel spec it lacks, a wrong token, nobody answering", async () => {
    const { url, token } = backing.config.jupyter;
    expect(await probeJupyter(url, token, fetch, { kernelName: "python3" })).toMatchObject({ ok: true });
    const problem = async (...args: Parameters<typeof probeJupyter>) => {
      const result = await probeJupyter(...args);
      return result.ok ? "ok" : result.problem;
    };
    expect(await problem(url, token, fetch, { kernelName: "scala" })).toMatch(/has no kernel spec "scala" \(JUPYTER_KERNEL_NAME\); it offers: .*python3/);
    expect(await problem(url, "wrong-token", fetch, { kernelName: "python3" })).toMatch(/refused the course's token \(JUPYTER_TOKEN\)/);
    const port = await findFreePort();
    expect(await problem(`http://127.0.0.1:${port}`, token, fetch, { kernelName: "python3" })).toMatch(/kernel gateway \(JUPYTER_URL\) is not answering/);
  });

  it("runs the learner's cells on one kernel whichever instance they reach", async () => {
    const first = await run(sites[0], "x = 41\nimport os\nprint(os.getcwd())");
    expect(first.stdout.trim(), first.all).toMatch(new RegExp(`/learners/${learner.id}$`));
    const second = await run(sites[1], "print(x + 1)");
    expect(second.stdout.trim(), second.all).toBe("42");
  });

  it("agrees on one kernel when both instances start a new learner's at the same moment", async () => {
    const classCode = (await rawRequest(sites[0], { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    // Joining on one instance starts Grace's kernel there; her first cell goes to the other at once.
    const grace = (await joinClass(sites[0], classCode, "Grace")).cookie;
    const pidOn = async (site: string) => {
      const response = await rawRequest(site, {
        method: "POST",
        path: "/api/cells/run",
        headers: { origin: site, cookie: grace, "content-type": "application/json" },
        body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code: "import os\nprint(os.getpid())" }),
      });
      return /"text":"(\d+)\\n"/.exec(response.text)?.[1] ?? response.text;
    };
    const [first, second] = await Promise.all([pidOn(sites[1]), pidOn(sites[0])]);
    expect(first).toMatch(/^\d+$/);
    expect(second).toBe(first);
    // The kernel that lost the race was ended: one kernel per learner on the shared Jupyter.
    const { url, token } = backing.config.jupyter;
    const kernels = async () => ((await (await fetch(`${url}/api/kernels`, { headers: { authorization: `token ${token}` } })).json()) as unknown[]).length;
    await waitAtMost(async () => (await kernels()) === 2, { timeoutMs: 10_000, intervalMs: 200 });
    expect(await kernels()).toBe(2);
  });

  it("reaches MLflow from the kernel through an instance's gate with the learner's token, in the learner's workspace", async () => {
    const fixtures = path.join(backing.config.projectRoot, "grader", "fixtures");
    const logged = await run(
      sites[1],
      `import os, sys\nsys.path.insert(0, ${JSON.stringify(fixtures)})\nfrom iris_solution import log_tracking_example_run\nlog_tracking_example_run()\nprint(os.environ['MLFLOW_TRACKING_URI'].endswith('/mlflow-gate'), bool(os.environ['MLFLOW_TRACKING_TOKEN']))`,
    );
    expect(logged.stdout.trim().split("\n").at(-1), logged.all).toBe("True True");
    // MLflow's printed link to the run opens the course's UI, not the gate the kernel knows MLflow by.
    expect(logged.stdout).toMatch(/View run \S+ at: \/mlflow\/#\/experiments\/\d+\/runs\/[0-9a-f]+\?workspace=\S+\n/);
    expect(logged.stdout).not.toContain("mlflow-gate/#");
    const checked = await check(sites[0]);
    expect(checked.json.report?.status, checked.text).toBe("passed");
  });

  it("runs a learner's model server on one instance; the other shows it, forwards the playground, grades it and stops it", async () => {
    const fixtures = path.join(backing.config.projectRoot, "grader", "fixtures");
    const staged = await run(
      sites[0],
      `import sys\nsys.path.insert(0, ${JSON.stringify(fixtures)})\nfrom iris_solution import log_tracking_exercise_run, register, transition\nversion = register(log_tracking_exercise_run())\ntransition(version, "Staging")\nprint(version)`,
    );
    expect(staged.stdout.trim().split("\n").at(-1), staged.all).toBe("1");
    const serve = (site: string, method: string, body?: unknown) =>
      rawRequest(site, {
        method,
        path: "/api/model-server",
        headers: { origin: site, cookie: learner.cookie, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const suggested = (await serve(sites[1], "GET")).json;
    expect(suggested).toMatchObject({ exists: false, defaultPort: modelPorts });
    // The serving lesson's first cell, before any server of Ada's runs: it says to press Start (and never polls another learner's port).
    const waitForServer = findLesson(backing.config.projectRoot, "model-serving")!.cells.find((cell) => cell.id === "wait-for-server")!.source;
    const waitCell = { lesson: "model-serving", cellId: "wait-for-server" };
    const early = await runCellAs(sites[1], learner.cookie, waitForServer, waitCell);
    expect(early.all).toMatch(/No model server of yours is running: press Start in the Serve panel/);
    // Not the port the panel suggested: the kernel learns the address wherever the server is.
    const port = modelPorts + 2;
    const started = await serve(sites[0], "POST", { modelUri: "models:/IrisModel/Staging", port });
    expect(started.status, started.text).toBe(200);
    let status = (await serve(sites[1], "GET")).json;
    await waitAtMost(async () => (status = (await serve(sites[1], "GET")).json).state !== "starting", { timeoutMs: 150_000, intervalMs: 500 });
    expect(status, JSON.stringify(status.log?.slice(-15))).toMatchObject({ exists: true, state: "ready", port, version: "1" });
    const up = await runCellAs(sites[1], learner.cookie, waitForServer, waitCell);
    // No sandbox here: the server answers under its private path on the shared port, and the kernel is told it.
    expect(up.stdout, up.all).toMatch(new RegExp(`The model server is up: GET http://127\\.0\\.0\\.1:${port}/s/[A-Za-z0-9_-]{24}/ping answered 200\\.`));

    const invoked = await rawRequest(sites[1], {
      method: "POST",
      path: "/api/model-server/invocations",
      headers: { origin: sites[1], cookie: learner.cookie, "content-type": "application/json" },
      body: JSON.stringify({ body: JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5]] }), contentType: "application/json" }),
    });
    expect(invoked.status, invoked.text).toBe(200);
    expect(JSON.parse(invoked.json.body).predictions).toHaveLength(1);
    // The next learner is offered a port no server holds, whichever instance asks.
    const classCode = (await rawRequest(sites[1], { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    const heidi = await joinClass(sites[0], classCode, "Heidi");
    expect((await rawRequest(sites[1], { path: "/api/model-server", headers: { cookie: heidi.cookie } })).json.defaultPort).toBe(modelPorts);

    const graded = await rawRequest(sites[1], {
      method: "POST",
      path: "/api/exercises/model-serving/check",
      headers: { origin: sites[1], cookie: learner.cookie, "content-type": "application/json" },
      body: "{}",
    });
    expect(graded.json.report?.status, graded.text).toBe("passed");

    const stopped = await serve(sites[1], "DELETE");
    expect(stopped.json, stopped.text).toMatchObject({ exists: true, state: "stopped" });
    // The instance that runs it stops it at its next heartbeat: its port answers no more.
    await waitAtMost(() => fetch(`http://127.0.0.1:${port}/ping`).then(() => false, () => true), { timeoutMs: 15_000, intervalMs: 250 });
    expect(await fetch(`http://127.0.0.1:${port}/ping`).then(() => "answering", () => "gone")).toBe("gone");
  });

  it("counts a learner's Checks across instances: six a minute in all", async () => {
    // A learner with no Checks yet: six alternate between the instances; the seventh is refused on either.
    const classCode = (await rawRequest(sites[0], { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    const judy = await joinClass(sites[1], classCode, "Judy");
    const checkAs = (site: string) =>
      rawRequest(site, { method: "POST", path: "/api/exercises/tracking-example/check", headers: { origin: site, cookie: judy.cookie, "content-type": "application/json" }, body: "{}" });
    for (let i = 0; i < 6; i++) expect((await checkAs(sites[i % 2])).status).toBe(200);
    for (const site of sites) {
      const refused = await checkAs(site);
      expect(refused.status, refused.text).toBe(429);
      expect(refused.json.error.message).toMatch(/6 checks in the last minute/);
      expect(Number(refused.headers["retry-after"]), "when to try again, for programs too").toBeGreaterThan(0);
    }
  });

  it("counts wrong class codes across instances: the limit from one address in all, not once per instance", async () => {
    const guess = (site: string) =>
      rawRequest(site, { method: "POST", path: "/api/session/join", headers: { origin: site, "content-type": "application/json" }, body: JSON.stringify({ classCode: "WRONGCODE1", displayName: "Mallory" }) });
    // Half the limit at each instance, a room's worth at a time.
    const statuses: number[] = [];
    for (let sent = 0; sent < WRONG_CLASS_CODES.limit; sent += 20) statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => guess(sites[(sent + i) % 2]).then((answer) => answer.status)))));
    expect(statuses.filter((status) => status !== 403)).toStrictEqual([]);
    for (const site of sites) {
      const refused = await guess(site);
      expect(refused.status, refused.text).toBe(429);
      expect(refused.json.error.message).toMatch(/Joining from this network is paused/);
    }
  });

  it("goes on through the other instance when one is gone: same kernel, same session, the class on the dashboard", async () => {
    await instances[0].stop();
    instances.shift();
    sites.shift();
    const site = sites[0];
    const after = await run(site, "print(x)");
    expect(after.stdout.trim(), after.all).toBe("41");
    const dashboard = await rawRequest(site, { path: "/api/instructor/dashboard", headers: { cookie: instructor } });
    expect(dashboard.status, dashboard.text).toBe(200);
    expect(dashboard.text).toContain("Ada");
  });

  it("keeps every instance ready when a shared service is down; /api/health names it (public readiness, nothing more)", async () => {
    const site = sites[0];
    const probe = (name: "live" | "ready") => rawRequest(site, { path: `/api/health/${name}` });
    expect((await probe("live")).json).toStrictEqual({ ok: true });
    const ready = await probe("ready");
    expect(ready.status, ready.text).toBe(200);
    // Store, MLflow and gateway are all shared here: nothing of the instance's own to probe.
    expect(ready.json).toStrictEqual({ ok: true, own: {}, shared: ["store", "mlflow", "jupyter"] });

    await backing.supervisor.supervisor("jupyter")!.stop();
    // The gateway is gone for every instance alike: taking them all out of the balancer would help nobody.
    for (const each of sites) expect((await rawRequest(each, { path: "/api/health/ready" })).status).toBe(200);
    const health = await rawRequest(site, { path: "/api/health", headers: { cookie: learner.cookie } });
    expect(health.status, "the course's own report says what is down").toBe(503);
    expect(health.json.jupyter.problem, health.text).toMatch(/kernel gateway \(JUPYTER_URL\) is not answering/);
    expect((await probe("live")).status, "the instance itself still answers").toBe(200);
  });
});
