import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitAtMost } from "@/lib/process/wait-until";
import { findFreePort, isPortFree } from "../net/free-port";
import { learnerCgroupDir, sandboxedProcesses } from "../testing/learner-cgroups";
import { learnerNetNamespace, modelServerProcesses } from "../testing/model-server-processes";
import { sandboxNetnsPrefix } from "./launch-description";
import { cookiesFrom, rawRequest, signInAsInstructor } from "../testing/raw-http";
import { STAGE_IRIS_MODEL_CELL } from "../testing/cell-snippets";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { learnerToken } from "../identity/learner-token";
import { loadSessionSecret } from "../identity/secrets";

/** Whether something on this machine's network answers on 127.0.0.1:port. */
function reachableFromHost(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/** Processes of this machine whose command line passes `matches`. */
function processesWhere(matches: (commandLine: string) => boolean): string[] {
  return fs.readdirSync("/proc").filter((pid) => {
    try {
      return /^\d+$/.test(pid) && matches(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim());
    } catch {
      return false;
    }
  });
}

type CellResult = { stdout: string; stderr: string; error?: string; notice?: string; status: string; images: string[] };

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
  let instructor = "";

  async function run(who: string, code: string): Promise<CellResult> {
    const response = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: learners[who].cookie, "content-type": "application/json" },
      body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code }),
    });
    const result: CellResult = { stdout: "", stderr: "", status: "", images: [] };
    for (const line of response.text.split("\n").filter(Boolean)) {
      const event = JSON.parse(line);
      if (event.type === "stream") result[event.name as "stdout" | "stderr"] += event.text;
      if (event.type === "error") result.error = `${event.ename}: ${event.evalue}`;
      if (event.type === "notice") result.notice = `${result.notice ?? ""}${event.text}`;
      if (event.type === "done") result.status = event.status;
      if (event.type === "image") result.images.push(event.mime);
    }
    return result;
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "sandbox-teacher-secret",
      COURSE_SANDBOX: "on",
      // Room for a Check's Spark JVM beside its expected-predictions helper; less than the 1500 MB a test allocates.
      COURSE_SANDBOX_MEMORY_MB: "1200",
      // A Check's Spark JVM runs about 100 threads; the fork bomb below tries 300 processes.
      COURSE_SANDBOX_MAX_PROCESSES: "160",
      COURSE_LEARNER_DISK_MB: "64",
      DATABASE_URL: "",
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    instructor = await signInAsInstructor(site, "sandbox-teacher-secret");
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

  it("runs the class sandboxed, and the instructor's page has no warning", async () => {
    expect(course.config.sandbox.enabled).toBe(true);
    const page = await rawRequest(site, { path: "/instructor", headers: { cookie: instructor } });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("Learner code is not sandboxed");
  });

  it("suggests the lessons' model-server port to every learner, and tells their kernel where it is", async () => {
    // Ports are each learner's own in the sandbox: nobody needs another number.
    for (const who of ["Alice", "Bob"]) expect((await api(who, "GET", "/api/model-server")).json).toMatchObject({ exists: false, defaultPort: 5050 });
    expect((await run("Bob", "import os; print(os.environ['MODEL_SERVER_URL'])")).stdout.trim()).toBe("http://127.0.0.1:5050");
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
    const reached = await reachableFromHost(port);
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
    // The bridge reaches the gate's socket, which answers nothing of the site but the gate: not
    // even the cell-run route the public entry point answers itself (another learner's cell, or
    // this learner's without their session).
    const elsewhere = await run(
      "Bob",
      "import http.client, json\nout = []\nfor method, path, body in [('GET', '/api/health', None), ('POST', '/api/session/instructor', {'password': 'x'}), ('GET', '/mlflow-gate/../api/health', None), ('GET', '/instructor', None), ('POST', '/api/cells/run', {'lesson': 'tracking-example', 'cellId': 'load-data', 'code': 'print(2)'})]:\n    c = http.client.HTTPConnection('127.0.0.1', 5000, timeout=10)\n    c.request(method, path, body=None if body is None else json.dumps(body), headers={'content-type': 'application/json'})\n    out.append(c.getresponse().status)\nprint(out)",
    );
    expect(elsewhere.stdout.trim(), JSON.stringify(elsewhere)).toBe("[404, 404, 404, 404, 404]");
  });

  it("leaves no process behind after a restart, and the next run works", async () => {
    const marker = `sleep ${1000 + Math.floor(Math.random() * 1000)}`;
    const started = await run("Bob", `import subprocess, os\nsubprocess.Popen(['sh', '-c', 'setsid ${marker} &'], start_new_session=True)\nprint('started')`);
    expect(started.stdout).toContain("started");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const running = () => processesWhere((commandLine) => commandLine === marker).length > 0;
    expect(running()).toBe(true);
    const restart = await rawRequest(site, {
      method: "POST",
      path: "/api/kernel",
      headers: { origin: site, cookie: learners.Bob.cookie, "content-type": "application/json" },
      body: JSON.stringify({ action: "restart" }),
    });
    expect(restart.status, restart.text).toBe(200);
    await waitAtMost(() => !running(), { timeoutMs: 10_000, intervalMs: 200 });
    expect(running()).toBe(false);
    expect((await run("Bob", "print(6 * 7)")).stdout.trim()).toBe("42");
  });

  it("stops a fork bomb at the process limit", async () => {
    const result = await run(
      "Alice",
      "import os, time\npids, failure = [], None\nfor _ in range(300):\n    try:\n        pid = os.fork()\n    except OSError as error:\n        failure = type(error).__name__\n        break\n    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n    pids.append(pid)\nfor pid in pids:\n    os.kill(pid, 9)\n    os.waitpid(pid, 0)\nprint(len(pids), failure)",
    );
    const [count, failure] = result.stdout.trim().split(" ");
    expect(Number(count), JSON.stringify(result)).toBeLessThan(160);
    expect(failure).toBe("BlockingIOError");
  });

  it("ranks all learners' code together below the course's own services for CPU", async () => {
    expect((await run("Alice", "print(6 * 7)")).stdout.trim()).toBe("42");
    const v2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");
    const weight = Number(fs.readFileSync(v2 ? "/sys/fs/cgroup/mlflow-training/cpu.weight" : "/sys/fs/cgroup/cpu/mlflow-training/cpu.shares", "utf8"));
    // The default is 100 (v2) or 1024 (v1 shares) for MLflow, the site and Jupyter.
    expect(weight).toBe(v2 ? 25 : 256);
    const learnerGroups = fs.readdirSync(v2 ? "/sys/fs/cgroup/mlflow-training" : "/sys/fs/cgroup/cpu/mlflow-training", { recursive: true }).map(String);
    expect(learnerGroups.some((entry) => entry.endsWith(learners.Alice.id))).toBe(true);
  });

  it("runs a learner who keeps a CPU busy, even from a thread their cell left running, at a small CPU weight until they stop, so that other learners' short cells go first", async () => {
    // The learner's kernel cgroup as the machine shows it (the kernel's own processes, from /proc), not as the course computes it.
    const v2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");
    const weight = () => {
      const dir = learnerCgroupDir(learners.Bob.id, "cpu");
      if (!dir) throw new Error(`no process in a cgroup of Bob's (${learners.Bob.id})`);
      return fs.readFileSync(path.join(dir, v2 ? "cpu.weight" : "cpu.shares"), "utf8").trim();
    };
    const [full, lowered] = v2 ? ["100", "1"] : ["1024", "16"];
    expect((await run("Bob", "print(6 * 7)")).stdout.trim()).toBe("42");
    expect(weight()).toBe(full);
    // A long cell that uses no CPU is not busy.
    const sleeping = run("Bob", "import time\ntime.sleep(2.5)\nprint('slept')");
    const weightsWhileSleeping: string[] = [];
    await waitAtMost(() => (weightsWhileSleeping.push(weight()), false), { timeoutMs: 2_300, intervalMs: 100 });
    expect((await sleeping).stdout.trim()).toBe("slept");
    expect(new Set(weightsWhileSleeping)).toEqual(new Set([full]));
    // The cell ends at once; its thread spins on.
    const started = await run("Bob", "import threading\nspinning = True\ndef spin():\n    while spinning:\n        pass\nthreading.Thread(target=spin, daemon=True).start()\nprint('started')");
    expect(started.stdout.trim()).toBe("started");
    expect(await waitAtMost(() => weight() === lowered, { timeoutMs: 4_000, intervalMs: 50 }), `weight while the thread spun: ${weight()}`).toBe(true);
    // Another learner's cells are left alone.
    expect((await run("Alice", "print(6 * 7)")).stdout.trim()).toBe("42");
    expect(fs.readFileSync(path.join(learnerCgroupDir(learners.Alice.id, "cpu")!, v2 ? "cpu.weight" : "cpu.shares"), "utf8").trim()).toBe(full);
    expect((await run("Bob", "spinning = False\nprint('stopped')")).stdout.trim()).toBe("stopped");
    expect(await waitAtMost(() => weight() === full, { timeoutMs: 4_000, intervalMs: 50 }), `weight after the thread stopped: ${weight()}`).toBe(true);
  });

  it("ends a kernel that allocates beyond its memory limit, and the next run works", async () => {
    const result = await run("Alice", "block = bytearray(1500 * 1024 * 1024)\nblock[::4096] = b'x' * len(block[::4096])\nprint('allocated')");
    expect(result.stdout).not.toContain("allocated");
    expect(result.status, JSON.stringify(result)).toBe("dead");
    expect(result.notice).toMatch(/kernel stopped while running this cell.*more than the 1200 MB of memory/);
    let after: CellResult = { stdout: "", stderr: "", status: "", images: [] };
    for (let attempt = 0; attempt < 5 && after.stdout.trim() !== "42"; attempt += 1) after = await run("Alice", "print(6 * 7)");
    expect(after.stdout.trim()).toBe("42");
  });

  async function api(who: string, method: string, apiPath: string, body?: unknown) {
    return rawRequest(site, {
      method,
      path: apiPath,
      headers: { origin: site, cookie: learners[who].cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function check(who: string, exercise: string) {
    const checked = await api(who, "POST", `/api/exercises/${exercise}/check`, {});
    expect(checked.status, checked.text).toBe(200);
    return checked.json.report as { status: string; checks: { status: string }[] };
  }

  it("serves a learner's model inside their own network: their cells and the course reach it, nobody else does", { timeout: 240_000 }, async () => {
    const staged = await run("Alice", STAGE_IRIS_MODEL_CELL);
    expect(staged.stdout, JSON.stringify(staged)).toContain("staged");
    // A port of the course's range that nothing on the machine holds, so that reaching it from here
    // would mean reaching Alice's; not the suggested 5050, so that her kernel must be told.
    let port = 5061;
    while (!(await isPortFree(port))) port += 1;
    const started = await api("Alice", "POST", "/api/model-server", { modelUri: "models:/IrisModel/Staging", port });
    expect(started.status, started.text).toBe(200);
    let state = started.json.state;
    for (let waited = 0; state === "starting" && waited < 150; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      state = (await api("Alice", "GET", "/api/model-server")).json.state;
    }
    expect(state).toBe("ready");
    const invoke = `import requests\ntry:\n    print(requests.post('http://127.0.0.1:${port}/invocations', json={'inputs': [[5.1, 3.5, 1.4, 0.2]]}, timeout=10).text)\nexcept OSError as error:\n    print(type(error).__name__)`;
    expect((await run("Alice", invoke)).stdout).toContain('{"predictions": [0]}');
    // The serving lesson's cells find it through MODEL_SERVER_URL, which follows the panel's port.
    expect((await run("Alice", "import os; print(os.environ['MODEL_SERVER_URL'])")).stdout.trim()).toBe(`http://127.0.0.1:${port}`);
    expect((await run("Bob", invoke)).stdout).toContain("ConnectionError");
    const playground = await api("Alice", "POST", "/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }) });
    expect(JSON.parse(playground.json.body)).toEqual({ predictions: [0] });
    expect((await api("Bob", "POST", "/api/model-server/invocations", { body: "{}" })).status).toBe(409);
    // Bob's port of the same number is his own: holding it takes nothing from Alice.
    const held = await run("Bob", `import socket\ns = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(); globals()['_held'] = s; print('held')`);
    expect(held.stdout).toContain("held");
    expect((await api("Alice", "POST", "/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }) })).json.status).toBe(200);
    // Nor can anything on the machine reach it on that port: it listens in Alice's network only.
    const reachedFromHost = await reachableFromHost(port);
    expect(reachedFromHost).toBe(false);
    const serving = await check("Alice", "model-serving");
    expect(serving.status, JSON.stringify(serving)).toBe("passed");
    const stopped = await api("Alice", "DELETE", "/api/model-server");
    expect(stopped.status, stopped.text).toBe(200);
    const servers = () => processesWhere((commandLine) => commandLine.includes(`${port}`) && commandLine.includes("models"));
    await waitAtMost(() => servers().length === 0, { timeoutMs: 10_000, intervalMs: 200 });
    expect(servers()).toEqual([]);
  });

  it("keeps a served model from touching the course's bridge to its server", { timeout: 240_000 }, async () => {
    // A pickled model runs code when the server loads it: this one tries to replace the socket
    // the course reaches the server through, and reports what happened in the server's log.
    const spy = [
      "import mlflow, mlflow.pyfunc",
      "class BridgeSpy(mlflow.pyfunc.PythonModel):",
      "    def load_context(self, context):",
      "        import os",
      "        for attempt in (lambda: os.remove('/run/course-serve/model.sock'), lambda: os.symlink('/tmp/elsewhere.sock', '/run/course-serve/other.sock'), lambda: os.listdir('/run/course-serve')):",
      "            try:",
      "                attempt(); print('BRIDGESPY done', flush=True)",
      "            except OSError as error:",
      "                print('BRIDGESPY', type(error).__name__, flush=True)",
      "    def predict(self, context, model_input, params=None):",
      "        return [7] * len(model_input)",
      "mlflow.set_experiment('Bridge-Spy')",
      "with mlflow.start_run():",
      "    info = mlflow.pyfunc.log_model(name='model', python_model=BridgeSpy(), registered_model_name='BridgeSpy', pip_requirements=['mlflow'])",
      "print('registered', info.registered_model_version)",
    ].join("\n");
    const registered = await run("Alice", spy);
    expect(registered.stdout, JSON.stringify(registered)).toContain("registered");
    // MLflow's link to the run opens the course's own MLflow UI, in Alice's workspace (not the sandbox's inner address).
    expect(registered.stdout).toMatch(new RegExp(`View run \\S+ at: /mlflow/#/experiments/\\d+/runs/[0-9a-f]+\\?workspace=${learners.Alice.workspace}\\n`));
    const started = await api("Alice", "POST", "/api/model-server", { modelUri: "models:/BridgeSpy/1", port: 5050 });
    expect(started.status, started.text).toBe(200);
    let status = started.json;
    for (let waited = 0; status.state === "starting" && waited < 150; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      status = (await api("Alice", "GET", "/api/model-server")).json;
    }
    expect(status.state, JSON.stringify(status.log?.slice(-20))).toBe("ready");
    const attempts = (status.log as string[]).filter((line) => line.includes("BRIDGESPY"));
    expect(attempts).toEqual(["BRIDGESPY PermissionError", "BRIDGESPY PermissionError", "BRIDGESPY PermissionError"]);
    const answer = await api("Alice", "POST", "/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }) });
    expect(JSON.parse(answer.json.body)).toEqual({ predictions: [7] });
    expect((await api("Alice", "DELETE", "/api/model-server")).status).toBe(200);
  });

  it("runs the learner's code of the Spark Check in the sandbox", { timeout: 240_000 }, async () => {
    expect((await run("Bob", STAGE_IRIS_MODEL_CELL)).stdout).toContain("staged");
    const spy = [
      "import os",
      "def predict_label_with_mlflow_udf(spark, df):",
      "    seen = [f'uid={os.getuid()}']",
      `    for name, target in [('key', ${JSON.stringify(path.join(course.dataDir, "session-secret.key"))}), ('db', ${JSON.stringify(path.join(course.dataDir, "course.db"))})]:`,
      "        try:",
      "            open(target).read(); seen.append(f'{name}=read')",
      "        except OSError as error:",
      "            seen.append(f'{name}={type(error).__name__}')",
      "    seen.append('secrets=' + ','.join(k for k in os.environ if k.startswith('COURSE_') or k == 'DATABASE_URL'))",
      "    raise RuntimeError('SPY ' + ' '.join(seen))",
    ].join("\n");
    const saved = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: learners.Bob.cookie, "content-type": "application/json" },
      body: JSON.stringify({ lesson: "spark-integration", cellId: "predict-with-udf", code: spy }),
    });
    expect(saved.status).toBe(200);
    const report = JSON.stringify(await check("Bob", "spark-integration"));
    expect(report).toMatch(/SPY uid=65534 key=(FileNotFoundError|PermissionError) db=(FileNotFoundError|PermissionError) secrets=(\s|\\|"|$)/);
  });

  it("loads a learner-made model for the Check's expected predictions in the sandbox", { timeout: 240_000 }, async () => {
    const malicious = [
      "import mlflow, mlflow.pyfunc, os",
      "from mlflow import MlflowClient",
      "class Spy(mlflow.pyfunc.PythonModel):",
      "    def predict(self, context, model_input, params=None):",
      "        seen = [f'uid={os.getuid()}']",
      `        try:\n            open(${JSON.stringify(path.join(course.dataDir, "session-secret.key"))}).read(); seen.append('key=read')\n        except OSError as error:\n            seen.append(f'key={type(error).__name__}')`,
      "        raise RuntimeError('MODELSPY ' + ' '.join(seen))",
      "mlflow.set_experiment('Sandbox-Spy')",
      "with mlflow.start_run():",
      "    info = mlflow.pyfunc.log_model(name='model', python_model=Spy(), registered_model_name='IrisModel', pip_requirements=['mlflow'])",
      "MlflowClient().transition_model_version_stage('IrisModel', info.registered_model_version, 'Staging', archive_existing_versions=True)",
      "print('staged')",
    ].join("\n");
    const staged = await run("Bob", malicious);
    expect(staged.stdout, JSON.stringify(staged)).toContain("staged");
    const report = JSON.stringify(await check("Bob", "spark-integration"));
    expect(report).toMatch(/MODELSPY uid=65534 key=(FileNotFoundError|PermissionError)/);
  });

  it("stops writing to the learner's folder at the disk quota, and frees it when files go", async () => {
    const fill = "import os\ntry:\n    with open('big.bin', 'wb') as f:\n        for _ in range(100):\n            f.write(b'x' * 1024 * 1024)\n            f.flush(); os.fsync(f.fileno())\n    print('wrote all')\nexcept OSError as error:\n    print('stopped', error.errno, os.path.getsize('big.bin') // (1024 * 1024))";
    const filled = await run("Alice", fill);
    const [word, errno, mb] = filled.stdout.trim().split(" ");
    expect(word, JSON.stringify(filled)).toBe("stopped");
    expect(Number(errno)).toBe(28); // ENOSPC
    expect(Number(mb)).toBeLessThanOrEqual(64);
    // The machine's disk is untouched: the folder is a filesystem of its own.
    const mounted = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").some((line) => line.split(" ")[4] === path.join(course.config.jupyter.rootDir, learners.Alice.id));
    expect(mounted).toBe(true);
    const freed = await run("Alice", "import os\nos.remove('big.bin')\nopen('small.txt', 'w').write('ok'); print(open('small.txt').read(), os.path.exists('diary.txt'))");
    expect(freed.stdout.trim()).toBe("ok True");
  });

  it("refuses artifacts past the learner's quota, through the gate, with a message", async () => {
    const result = await run(
      "Bob",
      "import mlflow, os\nmlflow.set_experiment('Quota')\nsizes = []\nwith mlflow.start_run():\n    for i in range(3):\n        path = f'/tmp/blob{i}.bin'\n        open(path, 'wb').write(os.urandom(25 * 1024 * 1024))\n        try:\n            mlflow.log_artifact(path)\n            sizes.append('ok')\n        except Exception as error:\n            sizes.append('refused' if 'Artifact quota reached' in str(error) else str(error)[:300])\n        os.remove(path)\nprint(sizes)",
    );
    expect(result.stdout.trim().split("\n").at(-1), JSON.stringify(result)).toBe("['ok', 'ok', 'refused']");
  });

  it("cannot fill the site's memory with parallel uploads through the gate: past 16 at once, 429 before a body is read", { timeout: 120_000 }, async () => {
    // 40 uploads of a declared 1 MB each (16 of them within Alice's artifact quota), headers and
    // 1 KB of body sent, the rest held back; then one without a token.
    const result = await run(
      "Alice",
      [
        "import os, socket, time, mlflow",
        "token = os.environ['MLFLOW_TRACKING_TOKEN']",
        "def begin(authorization):",
        "    s = socket.create_connection(('127.0.0.1', 5000), timeout=20)",
        "    head = 'PUT /mlflow-gate/api/2.0/mlflow-artifacts/artifacts/0/flood.bin HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: 1000000\\r\\n' + authorization + '\\r\\n'",
        "    s.sendall(head.encode() + b'x' * 1024)",
        "    return s",
        "def status(s, wait):",
        "    s.settimeout(wait)",
        "    try: return int(s.recv(200).split(b' ')[1])",
        "    except socket.timeout: return 'waiting'",
        "uploads = [begin(f'Authorization: Bearer {token}\\r\\n') for _ in range(40)]",
        "time.sleep(2)",
        "answers = [status(s, 0.5) for s in uploads]",
        "stranger = status(begin(''), 10)",
        "print(answers.count('waiting'), answers.count(429), stranger)",
        "for s in uploads: s.close()",
        "time.sleep(1)",
        "mlflow.search_experiments()",
        "print('answered')",
      ].join("\n"),
    );
    const [counts, afterwards] = result.stdout.trim().split("\n").slice(-2);
    expect(counts, JSON.stringify(result)).toBe("16 24 401");
    expect(afterwards, "the door lets the learner in again once the uploads are gone").toBe("answered");
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

  describe("kernels forked from the course's kernel forker (python/kernel_forker.py)", () => {
    const forkerPids = () => processesWhere((commandLine) => commandLine.includes("kernel_forker.py") && commandLine.includes(course.dataDir));
    const parentOf = (pid: string) => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1];
    /** What the files open in `pid` are, for those numbered from 3 (0 to 2 are Jupyter's, passed on by the launcher). */
    const openFiles = (pid: string) =>
      fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => Number(fd) > 2).flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
        } catch {
          return [];
        }
      });
    const python = () => path.join(course.config.python.bin, "python");
    /** Asks the forker for a kernel as the launcher does, from this machine's root; its answers. */
    function askForker(request: string, asUser?: string): string {
      const socketPath = path.join(course.config.sandbox.dir, "kernel-forker.sock");
      const script = [
        "import socket, sys",
        "s = socket.socket(socket.AF_UNIX)",
        "try:\n    s.connect(sys.argv[1])\nexcept OSError as error:\n    print(type(error).__name__); raise SystemExit",
        "socket.send_fds(s, [sys.argv[2].encode() + b'\\n'], [0, 1, 2])",
        "s.settimeout(60)",
        "print(s.makefile().read().strip())",
      ].join("\n");
      const command = asUser ? ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--clear-groups", python()] : [python()];
      return spawnSync(command[0], [...command.slice(1), "-c", script, socketPath, request], { encoding: "utf8", timeout: 90_000 }).stdout.trim();
    }

    it("starts each learner's kernel as a fork, with no capabilities and nothing of the forker's open", async () => {
      const [forker] = forkerPids();
      expect(forker, "the course runs one kernel forker").toBeDefined();
      const result = await run(
        "Bob",
        "import os, json\nstatus = dict(line.split(':', 1) for line in open('/proc/self/status').read().splitlines())\n" +
          "print(json.dumps({'parent': os.getppid(), 'ids': [status['Uid'].split(), status['Gid'].split(), status['Groups'].strip()], 'caps': [int(status[k], 16) for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')], 'no_new_privs': status['NoNewPrivs'].strip()}))",
      );
      // Its parent is the forker, outside the sandbox's PID namespace: 0 from inside (a kernel started by bubblewrap has 1).
      expect(JSON.parse(result.stdout), JSON.stringify(result)).toEqual({
        parent: 0,
        ids: [Array(4).fill(String(course.config.sandbox.uid)), Array(4).fill(String(course.config.sandbox.gid)), ""],
        caps: [0, 0, 0, 0, 0],
        no_new_privs: "1",
      });
      const kernels = fs.readdirSync("/proc").filter((pid) => /^\d+$/.test(pid) && fs.existsSync(`/proc/${pid}/stat`) && parentOf(pid) === forker);
      expect(kernels.length).toBeGreaterThanOrEqual(2); // Alice's and Bob's
      const forkersFiles = new Set(openFiles(forker).filter((link) => /^(socket|pipe):/.test(link)));
      for (const kernel of kernels) {
        const files = openFiles(kernel);
        expect(files.filter((link) => forkersFiles.has(link) || /^(pid|mnt|net):|\[pidfd\]|kernel-forker/.test(link)), kernel).toEqual([]);
      }
    });

    // The forker imported matplotlib before any IPython existed; the inline backend still has to
    // hook into each kernel, or a figure would show only with plt.show().
    it("shows matplotlib figures inline, with plt.show() and as what a cell drew", async () => {
      const shown = await run("Bob", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 4, 1])\nplt.show()");
      expect(shown, JSON.stringify(shown)).toMatchObject({ status: "ok", images: ["image/png"] });
      const drawn = await run("Bob", "plt.figure()\nplt.plot([3, 1, 2])\nprint('drawn')");
      expect(drawn, JSON.stringify(drawn)).toMatchObject({ status: "ok", stdout: "drawn\n", images: ["image/png"] });
    });

    it("holds no other learner's secret: Alice's MLflow token is nowhere in the memory of Bob's kernel", { timeout: 120_000 }, async () => {
      const digest = (token: string) => crypto.createHash("sha256").update(token).digest("hex");
      // Tokens found in the kernel's own memory, by digest, so the cell itself holds neither token.
      const scan = (learner: string) =>
        "import hashlib, re\nfound = set()\nwith open('/proc/self/mem', 'rb', 0) as memory:\n" +
        "    for line in open('/proc/self/maps').read().splitlines():\n" +
        "        span, perms = line.split()[:2]\n" +
        "        if perms[0] != 'r' or line.endswith(('[vvar]', '[vsyscall]', '[vvar_vclock]')):\n            continue\n" +
        "        start, end = (int(part, 16) for part in span.split('-'))\n" +
        "        try:\n            memory.seek(start); data = memory.read(end - start)\n        except (OSError, ValueError, OverflowError):\n            continue\n" +
        `        for match in re.finditer(rb'${learner}\\.[A-Za-z0-9_=-]{16,}', data):\n` +
        "            found.add(hashlib.sha256(match.group()).hexdigest())\n" +
        "print(sorted(found))";
      const own = await run("Bob", scan(learners.Bob.id));
      expect(own.stdout, "the scan finds Bob's own token").toContain(digest(learnerToken(loadSessionSecret(course.dataDir), learners.Bob.id)));
      const other = await run("Bob", scan(learners.Alice.id));
      expect(other.error).toBeUndefined();
      expect(other.stdout).not.toContain(digest(learnerToken(loadSessionSecret(course.dataDir), learners.Alice.id)));
    });

    it("serves a model as a fork in the learner's sandbox: their namespaces and cgroups, nobody without capabilities, nothing of the forker's, no other learner's token", { timeout: 240_000 }, async () => {
      // A pickled model runs code in the server: this one reports what the server process is and can reach.
      const spy = [
        "import mlflow, mlflow.pyfunc",
        "class ServerSpy(mlflow.pyfunc.PythonModel):",
        "    def predict(self, context, model_input, params=None):",
        "        import hashlib, json, os, re",
        "        status = dict(line.split(':', 1) for line in open('/proc/self/status').read().splitlines())",
        "        seen = {'parent': os.getppid(), 'ids': [status['Uid'].split(), status['Gid'].split(), status['Groups'].strip()],",
        "                'caps': [int(status[k], 16) for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')], 'no_new_privs': status['NoNewPrivs'].strip(),",
        "                'net': os.readlink('/proc/self/ns/net'), 'read': {}}",
        `        for name, target in [('key', ${JSON.stringify(path.join(course.dataDir, "session-secret.key"))}), ('alice', ${JSON.stringify(path.join(course.config.sandbox.dir, learners.Alice.id, "launch.json"))})]:`,
        "            try:\n                open(target).read(); seen['read'][name] = 'read'\n            except OSError as error:\n                seen['read'][name] = type(error).__name__",
        "        tokens = set()",
        "        with open('/proc/self/mem', 'rb', 0) as memory:",
        "            for line in open('/proc/self/maps').read().splitlines():",
        "                span, perms = line.split()[:2]",
        "                if perms[0] != 'r' or line.endswith(('[vvar]', '[vsyscall]', '[vvar_vclock]')):\n                    continue",
        "                start, end = (int(part, 16) for part in span.split('-'))",
        "                try:\n                    memory.seek(start); data = memory.read(end - start)\n                except (OSError, ValueError, OverflowError):\n                    continue",
        `                for match in re.finditer(rb'(?:${learners.Alice.id}|${learners.Bob.id})\\.[A-Za-z0-9_=-]{16,}', data):`,
        "                    tokens.add(hashlib.sha256(match.group()).hexdigest())",
        "        seen['tokens'] = sorted(tokens)",
        "        return [json.dumps(seen)] * len(model_input)",
        "mlflow.set_experiment('Server-Spy')",
        "with mlflow.start_run():",
        "    info = mlflow.pyfunc.log_model(name='model', python_model=ServerSpy(), registered_model_name='ServerSpy', pip_requirements=['mlflow'])",
        "import os",
        "print('registered', info.registered_model_version, os.readlink('/proc/self/ns/net'))",
      ].join("\n");
      const registered = await run("Bob", spy);
      const [, version, kernelNet] = registered.stdout.trim().split("\n").at(-1)!.split(" ");
      expect(registered.stdout, JSON.stringify(registered)).toContain("registered");
      const started = await api("Bob", "POST", "/api/model-server", { modelUri: `models:/ServerSpy/${version}`, port: 5050 });
      expect(started.status, started.text).toBe(200);
      let status = started.json;
      await waitAtMost(async () => (status = (await api("Bob", "GET", "/api/model-server")).json).state !== "starting", { timeoutMs: 150_000, intervalMs: 250 });
      expect(status.state, JSON.stringify(status.log?.slice(-20))).toBe("ready");

      // From the machine: the server is a fork of the forker that kept none of its files.
      const netns = learnerNetNamespace(`${sandboxNetnsPrefix(course.config)}${learners.Bob.id}`);
      const [forker] = forkerPids();
      const server = modelServerProcesses(netns).find((p) => p.ppid === Number(forker));
      expect(server, "Bob's model server is a fork of the kernel forker").toBeDefined();
      const forkersFiles = new Set(openFiles(forker).filter((link) => /^(socket|pipe):/.test(link)));
      expect(openFiles(String(server!.pid)).filter((link) => forkersFiles.has(link) || /^(pid|mnt|net):|\[pidfd\]|kernel-forker/.test(link))).toEqual([]);
      // In Bob's cgroups (his memory and process limits), as his kernel is.
      expect(sandboxedProcesses(learners.Bob.id)).toContain(server!.pid);

      const answer = await api("Bob", "POST", "/api/model-server/invocations", { body: JSON.stringify({ inputs: [[1]] }) });
      expect(answer.json.status, answer.json.body).toBe(200);
      const seen = JSON.parse(JSON.parse(answer.json.body).predictions[0]);
      const digest = (token: string) => crypto.createHash("sha256").update(token).digest("hex");
      const secret = loadSessionSecret(course.dataDir);
      expect(seen).toMatchObject({
        // Its parent (the forker) is outside the sandbox's PID namespace.
        parent: 0,
        ids: [Array(4).fill(String(course.config.sandbox.uid)), Array(4).fill(String(course.config.sandbox.gid)), ""],
        caps: [0, 0, 0, 0, 0],
        no_new_privs: "1",
        // Bob's network, the one his kernel is in (lesson cells reach the server on 127.0.0.1).
        net: kernelNet,
        read: { key: expect.stringMatching(/^(FileNotFoundError|PermissionError)$/), alice: expect.stringMatching(/^(FileNotFoundError|PermissionError)$/) },
      });
      expect(seen.tokens, "the scan finds Bob's own token").toContain(digest(learnerToken(secret, learners.Bob.id)));
      expect(seen.tokens).not.toContain(digest(learnerToken(secret, learners.Alice.id)));
      expect((await api("Bob", "DELETE", "/api/model-server")).status).toBe(200);
    });

    it("refuses to start a kernel anywhere but in a sandbox, and answers only the course's user", () => {
      const plain = spawn("sleep", ["60"]);
      try {
        // A process of the machine's own namespaces as the "sandbox": the fork stops before any kernel runs.
        const answers = askForker(JSON.stringify({ learner: learners.Bob.id, holder_pid: plain.pid, workdir: path.join(course.config.jupyter.rootDir, learners.Bob.id) }));
        expect(answers).toMatch(/^\{"started": \d+\}\n\{"exit": 70\}$/);
      } finally {
        plain.kill("SIGKILL");
      }
      expect(askForker("not json")).toBe('{"error": "not a JSON object"}');
      expect(askForker(JSON.stringify({ learner: "../escape", holder_pid: 2, workdir: "/" }))).toBe('{"error": "not a learner id"}');
      // The sandbox's user (or anyone but the course's) does not even reach the socket.
      expect(askForker("{}", String(course.config.sandbox.uid))).toBe("PermissionError");
    });

    it("keeps running kernels when the forker ends, and starts the next ones from a new forker", { timeout: 120_000 }, async () => {
      const [first] = forkerPids();
      process.kill(Number(first), "SIGKILL");
      expect((await run("Bob", "print(6 * 7)")).stdout.trim()).toBe("42");
      // Until a new forker listens, a kernel starts inside bubblewrap: its parent is bubblewrap's first process.
      expect((await api("Bob", "POST", "/api/kernel", { action: "restart" })).status).toBe(200);
      expect((await run("Bob", "import os; print(os.getppid(), os.getuid() != 0, 6 * 7)")).stdout.trim()).toBe("1 True 42");
      // A new forker within 5 s, listening once it has done its imports.
      const deadline = Date.now() + 60_000;
      await waitAtMost(() => forkerPids().some((pid) => pid !== first), { timeoutMs: 60_000, intervalMs: 250 });
      const [second] = forkerPids();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      // Listening (a kernel asked for before that starts inside bubblewrap, as without a forker).
      const listening = () => new Promise<boolean>((resolve) => net.connect(path.join(course.config.sandbox.dir, "kernel-forker.sock")).on("connect", function (this: net.Socket) { this.destroy(); resolve(true); }).on("error", () => resolve(false)));
      await waitAtMost(listening, { timeoutMs: deadline - Date.now(), intervalMs: 250 });
      const restart = await api("Bob", "POST", "/api/kernel", { action: "restart" });
      expect(restart.status, restart.text).toBe(200);
      expect((await run("Bob", "import os; print(os.getppid(), 6 * 7)")).stdout.trim()).toBe("0 42");
    });
  });
});
