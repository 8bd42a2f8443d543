import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { waitUntil } from "@/lib/process/wait-until";
import { CourseRuntime } from "../runtime/course-runtime";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { collectCell } from "../testing/collect-cell";

describe("running cells on a real Jupyter kernel", () => {
  let course: TempCourse;
  let runtime: CourseRuntime;
  const collect = (on: CourseRuntime, learner: string, code: string, limits = {}) => collectCell(on.learner(learner).kernel, code, limits);

  beforeAll(async () => {
    // The kernel's own mechanics, without the sandbox (tried in server/sandbox/); the runtime the site builds.
    course = await startTempCourse(["jupyter"], { COURSE_SANDBOX: "off" });
    runtime = await CourseRuntime.start(course.config);
  });
  afterAll(async () => {
    await runtime?.stop({ kernels: true });
    await course?.stop();
  });

  it("streams output, keeps state between cells and works in the learner's folder", async () => {
    const first = await collect(runtime, "alice", "x = 41\nprint('hello')");
    expect(first.done).toMatchObject({ status: "ok", executionCount: 1 });
    expect(first.text).toBe("hello\n");
    // The preamble's environment: the course's MLflow (no sandbox: MLflow itself), and the lessons' model-server port (solo).
    const second = await collect(runtime, "alice", "import os\nprint(x + 1, os.getcwd().endswith('/alice'), os.environ['MLFLOW_TRACKING_URI'], os.environ['MODEL_SERVER_URL'])");
    expect(second.text).toBe(`42 True ${course.config.mlflow.url} http://127.0.0.1:${course.config.modelServers.defaultPort}\n`);
    expect(second.done?.executionCount).toBe(2);
  });

  it("gives each learner a kernel of their own", async () => {
    const bob = await collect(runtime, "bob", "print('x' in globals())");
    expect(bob.text).toBe("False\n");
  });

  it("sends tables as sanitized HTML and errors with their traceback", async () => {
    const table = await collect(runtime, "alice", "import pandas as pd\npd.DataFrame({'a': [1]})");
    expect(table.events).toContainEqual(expect.objectContaining({ type: "html", html: expect.stringContaining('<table class="dataframe">') }));
    const xss = await collect(runtime, "alice", "from IPython.display import HTML, display\ndisplay(HTML('<img src=x onerror=alert(1)><script>alert(2)</script><b>ok</b>'))");
    expect(xss.events).toContainEqual({ type: "html", html: "<b>ok</b>" });
    const error = await collect(runtime, "alice", "1/0");
    expect(error.done?.status).toBe("error");
    expect(error.events).toContainEqual(expect.objectContaining({ type: "error", ename: "ZeroDivisionError" }));
  });

  it("sends matplotlib figures as PNG images", async () => {
    const plot = await collect(runtime, "alice", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 4, 1])\nplt.show()");
    expect(plot.done?.status).toBe("ok");
    const image = plot.events.find((event) => event.type === "image");
    expect(image).toMatchObject({ type: "image", mime: "image/png" });
    expect(Buffer.from((image as { data: string }).data, "base64").subarray(1, 4).toString()).toBe("PNG");
    // Without plt.show(): a figure the cell drew shows at its end (no `%matplotlib inline` needed).
    const drawn = await collect(runtime, "alice", "plt.figure()\nplt.plot([3, 1, 2])");
    expect(drawn.events.filter((event) => event.type === "image")).toHaveLength(1);
  });

  it("completes code from the kernel", async () => {
    await collect(runtime, "alice", "import pandas as pd");
    const completion = await runtime.learner("alice").kernel.complete("pd.DataFr", 9);
    expect(completion.matches).toContain("DataFrame");
    expect(completion.cursorStart).toBe(3);
  });

  it("interrupts an infinite loop at the time limit and keeps the kernel", async () => {
    await collect(runtime, "carol", "kept = 'still here'");
    const loop = await collect(runtime, "carol", "while True:\n    pass", { timeLimitMs: 2000 });
    expect(loop.done?.status).toBe("timeout");
    expect(loop.notices.join(" ")).toContain("ran for more than 2 s, so the course interrupted it");
    expect(loop.events).toContainEqual(expect.objectContaining({ type: "error", ename: "KeyboardInterrupt" }));
    const after = await collect(runtime, "carol", "print(kept)");
    expect(after.text).toBe("still here\n");
  });

  it("restarts the kernel when the interrupt does not stop the cell", async () => {
    const stubborn = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass";
    const run = await collect(runtime, "dave", stubborn, { timeLimitMs: 1500, interruptGraceMs: 1500 });
    expect(run.done?.status).toBe("timeout");
    expect(run.notices.join(" ")).toContain("the kernel was restarted");
    const after = await collect(runtime, "dave", "print('fresh', 'stubborn' in dir())");
    expect(after.text).toBe("fresh False\n");
  });

  it("reports a cell cut off by a restart of its kernel as interrupted, not ok", async () => {
    const running = collect(runtime, "fiona", "import time\nprint('started', flush=True)\ntime.sleep(60)");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await runtime.learner("fiona").kernel.restart();
    const run = await running;
    expect(run.done?.status).toBe("interrupted");
    expect(run.notices.join(" ")).toContain("restarted while this cell ran");
    expect((await collect(runtime, "fiona", "print('after')")).text).toBe("after\n");
  });

  it("cuts a flood of output at the cap with a visible note", async () => {
    const flood = await collect(runtime, "erin", "for i in range(200000):\n    print('line', i)", { outputCapBytes: 20_000 });
    expect(flood.done?.status).toBe("ok");
    expect(flood.notices.join(" ")).toContain("the rest is not shown");
    const bytes = flood.events.filter((event) => event.type === "stream").reduce((sum, event) => sum + JSON.stringify(event).length, 0);
    expect(bytes).toBeLessThanOrEqual(20_000);
  });

  it("lets a kernel go whose restart Jupyter does not finish, says so, and the next run gets a new kernel", async () => {
    const impatient = await CourseRuntime.start(course.config, { kernelRestartLimitMs: 2_000 });
    expect((await collect(impatient, "hank", "kept = 1\nprint('ready')")).text).toBe("ready\n");
    const jupyterPid = course.supervisor.supervisor("jupyter")?.status().pid;
    expect(jupyterPid).toBeTruthy();
    process.kill(jupyterPid!, "SIGSTOP"); // Jupyter stops answering: as a hung server or an unreachable gateway
    try {
      const began = performance.now();
      await expect(impatient.learner("hank").kernel.restart()).rejects.toThrow("did not come back within 2 s of a restart");
      expect(performance.now() - began).toBeLessThan(10_000);
    } finally {
      process.kill(jupyterPid!, "SIGCONT");
    }
    const after = await collect(impatient, "hank", "print('new', 'kept' in dir())");
    expect(after.text, JSON.stringify(after.notices)).toBe("new False\n");
    await impatient.stop({ kernels: true });
  });

  it("connects anew when a (re)started kernel does not answer, and lets it go after the restart limit", async () => {
    // A kernel that does not answer over its WebSocket after a restart: what a gateway's restart with new ports
    // looks like from a WebSocket opened while it was under way (every message lost), made here by stopping the process.
    const impatient = await CourseRuntime.start(course.config, { kernelRestartLimitMs: 12_000 });
    const kernel = impatient.learner("ivy").kernel;
    const processOf = (kernelId: string) => {
      const line = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n").find((row) => row.includes(`kernel-${kernelId}.json`));
      return Number(line?.trim().split(/\s+/)[0]);
    };
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
    try {
      expect((await collect(impatient, "ivy", "print('ready')")).text).toBe("ready\n");
      await kernel.restart();
      let pid = processOf(kernel.kernelId!);
      process.kill(pid, "SIGSTOP");
      const waiting = collect(impatient, "ivy", "print('answered')");
      await waitUntil(async () => logged.some((line) => line.includes("connecting to it anew (attempt 1)")), { what: "a new connection", timeoutMs: 10_000, intervalMs: 100 });
      process.kill(pid, "SIGCONT");
      const answered = await waiting;
      expect(answered.text, JSON.stringify({ notices: answered.notices, logged })).toBe("answered\n");

      // Never answering: let go after the limit, said as such, and the next run starts a new kernel.
      await kernel.restart();
      const stuckKernel = kernel.kernelId!;
      pid = processOf(stuckKernel);
      process.kill(pid, "SIGSTOP");
      const began = performance.now();
      const given = await collect(impatient, "ivy", "print('never')");
      expect(performance.now() - began).toBeLessThan(30_000);
      expect(given.done?.status).toBe("error");
      expect(given.notices.join(" ")).toContain("Your kernel did not answer within 12 s of starting, so the course let it go");
      process.kill(pid, "SIGCONT");
      const fresh = await collect(impatient, "ivy", "print('new kernel')");
      expect(fresh.text).toBe("new kernel\n");
      expect(kernel.kernelId).not.toBe(stuckKernel);
    } finally {
      spy.mockRestore();
      await impatient.stop({ kernels: true });
    }
  });

  it("reports a kernel that died and runs again on the next cell", async () => {
    const death = await collect(runtime, "frank", "import os\nos._exit(1)");
    expect(death.done?.status).toBe("dead");
    expect(death.notices.join(" ")).toContain("The Python kernel stopped while running this cell");
    const after = await collect(runtime, "frank", "import os\nprint('alive', os.getcwd().endswith('/frank'))");
    expect(after.done?.status).toBe("ok");
    expect(after.text).toBe("alive True\n");
  });

  it("finds the learner's kernel again after the app restarts", async () => {
    await collect(runtime, "grace", "remembered = 7");
    // A second runtime on the same store and Jupyter: what a restarted site builds.
    const restartedApp = await CourseRuntime.start(course.config);
    try {
      const after = await collect(restartedApp, "grace", "print(remembered)");
      expect(after.text).toBe("7\n");
    } finally {
      await restartedApp.stop();
    }
  });
});
