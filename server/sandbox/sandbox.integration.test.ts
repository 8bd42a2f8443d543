import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../net/free-port";
import { cookiesFrom, rawRequest } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

type CellResult = { stdout: string; stderr: string; error?: string; status: string };

/**
 * Learner code in the sandbox (COURSE_SANDBOX=on), tried from a cell as a curious
 * learner would, on a real classroom course: real Jupyter, real MLflow with
 * workspaces, kernels in bubblewrap. Each attempt fails with an error in the cell
 * and nothing outside changes.
 */
describe("learner code runs in the sandbox", () => {
  let course: TempCourse;
  let site: string;
  const learners: Record<string, { cookie: string; id: string; workspace: string }> = {};

  async function run(who: string, code: string): Promise<CellResult> {
    const response = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: learners[who].cookie, "content-type": "application/json" },
      body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code }),
    });
    const result: CellResult = { stdout: "", stderr: "", status: "" };
    for (const line of response.text.split("\n").filter(Boolean)) {
      const event = JSON.parse(line);
      if (event.type === "stream") result[event.name as "stdout" | "stderr"] += event.text;
      if (event.type === "error") result.error = `${event.ename}: ${event.evalue}`;
      if (event.type === "done") result.status = event.status;
    }
    return result;
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "sandbox-teacher-secret",
      COURSE_SANDBOX: "on",
      DATABASE_URL: "",
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const signIn = await rawRequest(site, {
      method: "POST",
      path: "/api/session/instructor",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ password: "sandbox-teacher-secret" }),
    });
    const instructor = cookiesFrom(signIn);
    const code = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    for (const name of ["Alice", "Bob"]) {
      const joined = await rawRequest(site, {
        method: "POST",
        path: "/api/session/join",
        headers: { origin: site, "content-type": "application/json" },
        body: JSON.stringify({ classCode: code, displayName: name }),
      });
      expect(joined.status).toBe(200);
      const cookie = cookiesFrom(joined);
      const workspace = (await rawRequest(site, { path: "/mlflow/api/3.0/mlflow/workspaces", headers: { cookie } })).json.workspaces[0].name;
      learners[name] = { cookie, id: joined.json.learner.id, workspace };
    }
    // Something of Alice's that Bob must not read.
    const first = await run("Alice", "open('diary.txt', 'w').write('alice-private'); print('ok')");
    expect(first.stdout, JSON.stringify(first)).toContain("ok");
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("runs as an unprivileged user with an environment built from an allow-list", async () => {
    const result = await run("Bob", "import os, json; print(os.getuid()); print(json.dumps(sorted(os.environ)))");
    const [uid, names] = result.stdout.trim().split("\n");
    expect(Number(uid)).not.toBe(0);
    const env: string[] = JSON.parse(names);
    expect(env.filter((name) => /^COURSE_|DATABASE_URL|JUPYTER|TOKEN$/.test(name) && name !== "MLFLOW_TRACKING_TOKEN")).toEqual([]);
    expect(env).toContain("MLFLOW_TRACKING_TOKEN");
    const secret = await run("Bob", "import os; print([k for k, v in os.environ.items() if 'sandbox-teacher-secret' in v])");
    expect(secret.stdout.trim()).toBe("[]");
  });

  it("does not see the data folder, the project, the Jupyter token or other learners", async () => {
    const targets = [
      path.join(course.dataDir, "session-secret.key"),
      path.join(course.dataDir, "course.db"),
      path.join(course.dataDir, "jupyter", "config", "jupyter_server_config.json"),
      path.join(course.dataDir, "run", "sandbox", learners.Alice.id, "launch.json"),
      path.join(course.config.jupyter.rootDir, learners.Alice.id, "diary.txt"),
      path.join(course.config.projectRoot, "package.json"),
    ];
    expect(fs.existsSync(targets[0])).toBe(true);
    const result = await run(
      "Bob",
      `import json\nfound = {}\nfor target in ${JSON.stringify(targets)}:\n    try:\n        found[target] = open(target).read()[:20]\n    except OSError as error:\n        found[target] = type(error).__name__\nprint(json.dumps(found))`,
    );
    const found = JSON.parse(result.stdout);
    for (const target of targets) expect(found[target], target).toMatch(/^(FileNotFoundError|PermissionError|NotADirectoryError)$/);
  });

  it("sees only its own processes, and cannot signal the course's", async () => {
    const result = await run(
      "Bob",
      "import os\ncmds = []\nfor pid in os.listdir('/proc'):\n    if pid.isdigit():\n        try: cmds.append(open(f'/proc/{pid}/cmdline').read().replace('\\0', ' '))\n        except OSError: pass\nprint(any('jupyter server' in c or 'mlflow server' in c or 'site.ts' in c for c in cmds), len(cmds) < 15)",
    );
    expect(result.stdout.trim()).toBe("False True");
    const jupyterPid = Number(fs.readFileSync(path.join(course.dataDir, "run", "services.json"), "utf8").match(/"jupyter"[\s\S]*?"pid":\s*(\d+)/)?.[1] ?? 0);
    expect(jupyterPid).toBeGreaterThan(0);
    const kill = await run("Bob", `import os, signal\ntry:\n    os.kill(${jupyterPid}, signal.SIGTERM); print('sent')\nexcept OSError as error:\n    print(type(error).__name__)`);
    expect(kill.stdout.trim()).toMatch(/ProcessLookupError|PermissionError/);
    const health = await rawRequest(site, { path: "/api/health", headers: { cookie: learners.Bob.cookie } });
    expect(health.status).toBe(200);
  });

  it("reaches neither MLflow's port, Jupyter, the site nor a host port, and cannot listen for the host", async () => {
    const ports = [new URL(course.config.mlflow.url).port, course.config.jupyter.port, course.config.site.port].map(Number);
    const result = await run(
      "Bob",
      `import socket\nout = []\nfor port in ${JSON.stringify(ports)}:\n    s = socket.socket(); s.settimeout(2)\n    try:\n        s.connect(('127.0.0.1', port)); out.append('open')\n    except OSError as error:\n        out.append(type(error).__name__)\nprint(out)`,
    );
    expect(result.stdout).not.toContain("open");
    const port = await findFreePort();
    const listen = await run("Bob", `import socket\ns = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(); globals()['_listener'] = s; print('listening')`);
    expect(listen.stdout).toContain("listening");
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it("reaches MLflow only through the gate, in its own workspace whatever it asks for", async () => {
    const result = await run(
      "Bob",
      `import os, mlflow\nos.environ['MLFLOW_WORKSPACE'] = ${JSON.stringify(learners.Alice.workspace)}\nmlflow.set_experiment('Bob-In-Sandbox')\nwith mlflow.start_run():\n    mlflow.log_param('who', 'bob')\nprint(mlflow.get_experiment_by_name('Bob-In-Sandbox').workspace)`,
    );
    expect(result.stdout.trim().split("\n").at(-1), JSON.stringify(result)).toBe(learners.Bob.workspace);
    const inAlices = await fetch(`${course.config.mlflow.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=Bob-In-Sandbox`, {
      headers: { "X-MLFLOW-WORKSPACE": learners.Alice.workspace },
    });
    expect(inAlices.status).toBe(404);
    const admin = await run(
      "Bob",
      "import os, requests\nurl = os.environ['MLFLOW_TRACKING_URI'] + '/api/3.0/mlflow/workspaces'\nh = {'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN']}\nprint(requests.post(url, json={'name': 'evil'}, headers=h).status_code, requests.get(url, headers=h).json(), requests.get(url.replace('/api/3.0/mlflow/workspaces', '/api/2.0/mlflow/experiments/search'), headers={'Authorization': 'Bearer forged.token'}).status_code)",
    );
    expect(admin.stdout.trim()).toBe(`403 {'workspaces': [{'name': '${learners.Bob.workspace}'}]} 401`);
  });

  it("leaves no process behind after a restart, and the next run works", async () => {
    const marker = `sleep ${1000 + Math.floor(Math.random() * 1000)}`;
    const started = await run("Bob", `import subprocess, os\nsubprocess.Popen(['sh', '-c', 'setsid ${marker} &'], start_new_session=True)\nprint('started')`);
    expect(started.stdout).toContain("started");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const running = () =>
      fs.readdirSync("/proc").some((pid) => {
        try {
          return /^\d+$/.test(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim() === marker;
        } catch {
          return false;
        }
      });
    expect(running()).toBe(true);
    const restart = await rawRequest(site, {
      method: "POST",
      path: "/api/kernel",
      headers: { origin: site, cookie: learners.Bob.cookie, "content-type": "application/json" },
      body: JSON.stringify({ action: "restart" }),
    });
    expect(restart.status, restart.text).toBe(200);
    const deadline = Date.now() + 10_000;
    while (running() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(running()).toBe(false);
    expect((await run("Bob", "print(6 * 7)")).stdout.trim()).toBe("42");
  });

  it("can still be interrupted (interrupts go to the kernel as messages)", async () => {
    const looping = run("Bob", "import time\nwhile True:\n    time.sleep(0.05)");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const interrupt = await rawRequest(site, {
      method: "POST",
      path: "/api/kernel",
      headers: { origin: site, cookie: learners.Bob.cookie, "content-type": "application/json" },
      body: JSON.stringify({ action: "interrupt" }),
    });
    expect(interrupt.status, interrupt.text).toBe(200);
    const result = await looping;
    expect(result.error).toMatch(/KeyboardInterrupt/);
  });
});
