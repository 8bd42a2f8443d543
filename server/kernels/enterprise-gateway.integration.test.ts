import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawnGroup, type ProcessGroup } from "@/lib/process/process-group";
import { waitUntil } from "@/lib/process/wait-until";
import { findFreePort } from "../net/free-port";
import { joinClass, rawRequest, runCellAs, signInAsInstructor } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { chooseLauncher } from "../launchers/choose-launcher";

/**
 * The course against a real Jupyter Enterprise Gateway (python/gateway-requirements.txt, in
 * .venv-gateway, installed by `npm test`), as a class beyond one machine would run it: JUPYTER_URL
 * names the gateway, and a learner's whole cell-to-Check path goes through it. The gateway runs
 * kernels as local processes here (on a cluster, as pods); its API is the same.
 */
const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const gatewayBin = path.join(projectRoot, ".venv-gateway", "bin", "jupyter");
const KERNEL_NAME = "mlflow-training-python";
/** A learner id the gateway is told to refuse, for the course's report of a refusal. */
const REFUSED_LEARNER = "refused-learner";

describe("kernels on Jupyter Enterprise Gateway", () => {
  let gateway: ProcessGroup | undefined;
  let gatewayLog = "";
  let course: TempCourse;
  let site: string;
  let ada = { cookie: "", id: "" };
  const specs = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-kernels-"));
  const token = crypto.randomBytes(16).toString("hex");

  const run = (code: string) => runCellAs(site, ada.cookie, code);

  beforeAll(async () => {
    // The kernel spec the gateway offers: the course's Python, as a cluster's kernel image would hold it.
    fs.mkdirSync(path.join(specs, "kernels", KERNEL_NAME), { recursive: true });
    fs.writeFileSync(
      path.join(specs, "kernels", KERNEL_NAME, "kernel.json"),
      JSON.stringify({ display_name: "MLflow Training", language: "python", argv: [path.join(projectRoot, ".venv", "bin", "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"] }),
    );
    const port = await findFreePort();
    gateway = spawnGroup({ command: gatewayBin, args: ["enterprisegateway", "--ip=127.0.0.1", `--port=${port}`, `--EnterpriseGatewayApp.auth_token=${token}`, // Only the course's kernel spec (jupyter_client 6's name for the list, as Enterprise Gateway 3.3 pins it).
      `--KernelSpecManager.whitelist=["${KERNEL_NAME}"]`,
      // As on a cluster, the gateway's own user may not own kernels (its default refuses root).
      `--EnterpriseGatewayApp.unauthorized_users=["${os.userInfo().username}", "${REFUSED_LEARNER}"]`,
    ], env: { ...process.env, JUPYTER_PATH: specs, JUPYTER_RUNTIME_DIR: path.join(specs, "runtime") }, cwd: process.cwd() }, {
      onLine: (line) => (gatewayLog += `${line}\n`),
    });
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const exited = new AbortController();
    void gateway.exited.then(() => exited.abort(new Error(`Enterprise Gateway did not start:\n${gatewayLog.slice(-2000)}`)));
    await waitUntil(() => fetch(`${gatewayUrl}/api/kernelspecs`, { headers: { authorization: `token ${token}` } }).then((r) => r.status === 200), {
      timeoutMs: 60_000,
      signal: exited.signal,
      what: "Enterprise Gateway",
      details: () => gatewayLog.slice(-2000),
    });

    course = await startTempCourse(["mlflow", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "gateway-secret",
      COURSE_SANDBOX: "off",
      DATABASE_URL: "",
      JUPYTER_URL: gatewayUrl,
      JUPYTER_TOKEN: token,
      JUPYTER_KERNEL_NAME: KERNEL_NAME,
      // Well under the test's own time limit: a kernel death the course misses then ends the cell
      // with the course's time-out, and the test's report shows the gateway's log of it.
      CELL_TIME_LIMIT_SECONDS: "60",
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const instructor = await signInAsInstructor(site, "gateway-secret");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    ada = await joinClass(site, classCode, "Ada");
  }, 240_000);

  // A test that fails (or times out) shows what the gateway and the site logged meanwhile.
  let logMarks = { gateway: 0, site: 0 };
  const siteLog = () => {
    try {
      return fs.readFileSync(path.join(course.config.runDir, "logs", "site.log"), "utf8");
    } catch {
      return "";
    }
  };
  afterEach((context) => {
    if (context.task.result?.state === "fail") {
      console.warn(`==== the gateway's log during "${context.task.name}"\n${gatewayLog.slice(logMarks.gateway).slice(-6000)}`);
      console.warn(`==== the site's log during it\n${siteLog().slice(logMarks.site).slice(-6000)}`);
    }
    logMarks = { gateway: gatewayLog.length, site: siteLog().length };
  });

  afterAll(async () => {
    await course?.stop();
    await gateway?.stop(10_000);
    fs.rmSync(specs, { recursive: true, force: true });
  });

  it("starts the learner's kernel on the gateway, under the learner's name, and keeps its state between cells", async () => {
    // Without a user name the kernel would be the gateway's own user's, which it refuses (403): the
    // course names the learner, and the gateway hands that name to the kernel.
    const first = await run("x = 41\nimport os\nprint(os.getcwd())\nprint(os.environ.get('KERNEL_USERNAME'))");
    const [cwd, username] = first.stdout.trim().split("\n");
    expect(cwd, `${first.all}\n${gatewayLog.slice(-1500)}`).toMatch(new RegExp(`/learners/${ada.id}$`));
    expect(username).toBe(ada.id);
    expect((await run("print(x + 1)")).stdout.trim()).toBe("42");
  });

  it("logs through the course's gate from the gateway's kernel, and the learner's Check passes", async () => {
    const fixtures = path.join(projectRoot, "grader", "fixtures");
    const logged = await run(`import sys\nsys.path.insert(0, ${JSON.stringify(fixtures)})\nfrom iris_solution import log_tracking_example_run\nprint('run', log_tracking_example_run())`);
    expect(logged.stdout, logged.all).toMatch(/run [0-9a-f]{32}/);
    const checked = await rawRequest(site, { method: "POST", path: "/api/exercises/tracking-example/check", headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" }, body: "{}" });
    expect(checked.json.report?.status, checked.text).toBe("passed");
  });

  it("tells the learner each time their kernel dies on the gateway (as when its node goes), and the next cell runs on a working kernel", { timeout: 300_000 }, async () => {
    // Six deaths in a row, each soon after the gateway's restart: the gateway restarts a kernel that dies young on
    // new ports (a WebSocket opened meanwhile reaches the old ones: the course connects anew), and after five such
    // restarts it gives the kernel up as dead (the course starts a new one).
    for (let death = 1; death <= 6; death++) {
      await run("lost = 'yes'");
      const died = await run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
      expect(died.all, `death ${death}: ${died.all}\n${gatewayLog.slice(-1500)}`).toContain("The Python kernel stopped while running this cell");
      const next = await run("print('lost' in dir())");
      expect(next.stdout.trim(), `after death ${death}: ${next.all}`).toBe("False");
    }
  });

  it("reports a kernel the gateway refuses with the gateway's own reason", async () => {
    // The course's own launcher for a gateway, as its runtime chooses it.
    const launcher = chooseLauncher(course.config);
    expect(launcher.kind).toBe("gateway");
    const refused = launcher.startKernel({ id: REFUSED_LEARNER, gateToken: "unused" });
    await expect(refused).rejects.toThrow(`The kernel gateway (JUPYTER_URL) refused to start a kernel "${KERNEL_NAME}" (403): User '${REFUSED_LEARNER}' is not authorized`);
  });

  it("restarts and interrupts the kernel through the gateway", async () => {
    const restarted = await rawRequest(site, { method: "POST", path: "/api/kernel", headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" }, body: JSON.stringify({ action: "restart" }) });
    expect(restarted.status, restarted.text).toBe(200);
    expect((await run("print('x' in dir())")).stdout.trim(), "a restart empties the namespace").toBe("False");
    const looping = run("import time\nwhile True: time.sleep(0.05)");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const interrupted = await rawRequest(site, { method: "POST", path: "/api/kernel", headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" }, body: JSON.stringify({ action: "interrupt" }) });
    expect(interrupted.status, interrupted.text).toBe(200);
    expect((await looping).all).toContain("KeyboardInterrupt");
    expect((await run("print('still here')")).stdout.trim()).toBe("still here");
  });
});
