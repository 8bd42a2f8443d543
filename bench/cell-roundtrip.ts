// bench/cell-roundtrip: what the app adds to running a cell.
//   figure:   50 runs of print(1) through POST /api/cells/run (NDJSON stream, read to the end)
//   baseline: 50 runs of print(1) straight on a Jupyter kernel through @jupyterlab/services
//   floor:    50 runs of print(1) sent straight to a kernel over ZeroMQ with jupyter_client
//             (no Jupyter server, no WebSocket): what Python and the kernel cost
//   also:     opening a lesson to the first cell's output on a cold kernel
// Both are measured in the same run, against the same Jupyter server.
//   npx tsx bench/cell-roundtrip.ts [runs]
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { KernelAPI, KernelConnection } from "@jupyterlab/services";
import { jupyterSettings } from "../server/jupyter/connection-settings";
import { listLessons } from "../server/lessons/lesson-catalog";
import { startTempCourse } from "../server/testing/temp-course";
import { waitUntilIdle } from "./idle";
import { summarize } from "./stats";

const runs = Number(process.argv[2] ?? 50);
const course = await startTempCourse(["mlflow", "jupyter", "site"]);
const site = `http://127.0.0.1:${course.config.site.port}`;
const lesson = listLessons(course.config.projectRoot)[0];
const cell = lesson.cells[0];

// node:http with keep-alive, like a browser's connection: Node's fetch (undici) alone adds about
// 1.5 ms a request on this machine, which is the client's cost, not the course's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function runThroughApp(code: string): Promise<{ totalMs: number; firstOutputMs: number }> {
  const started = performance.now();
  const body = JSON.stringify({ lesson: lesson.frontMatter.slug, cellId: cell.id, code });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: course.config.site.port, method: "POST", path: "/api/cells/run", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        let firstOutputMs = -1;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (firstOutputMs < 0 && chunk.includes('"type":"stream"')) firstOutputMs = performance.now() - started;
        });
        response.on("end", () => resolve({ totalMs: performance.now() - started, firstOutputMs }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

try {
  console.log(`bench/cell-roundtrip: ${runs} runs of print(1), ${new Date().toISOString()}`);

  // Cold: open the lesson page, then run its first cell on a kernel that does not exist yet.
  const coldStart = performance.now();
  await (await fetch(`${site}/lessons/${lesson.frontMatter.slug}`)).text();
  const cold = await runThroughApp("print(1)");
  console.log(`cold: lesson page to first output ${(performance.now() - coldStart).toFixed(0)} ms (kernel start included; run ${cold.totalMs.toFixed(0)} ms)`);

  // While the kernel does its start-up imports (python/course_kernel.py), cells share the interpreter with them.
  const during: number[] = [];
  for (let i = 0; i < 5; i++) during.push((await runThroughApp("print(1)")).totalMs);
  console.log(`during the kernel's start-up imports: print(1) ${during.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`);
  const settledMs = await waitUntilIdle();
  console.log(`machine idle again ${(settledMs / 1000).toFixed(1)} s later; the figures below are the kernel's steady state`);
  for (let i = 0; i < 5; i++) await runThroughApp("print(1)");
  const app: number[] = [];
  for (let i = 0; i < runs; i++) app.push((await runThroughApp("print(1)")).totalMs);

  const settings = jupyterSettings(course.config.jupyter.url, course.config.jupyter.token!);
  const model = await KernelAPI.startNew({ name: "python3" }, settings);
  const kernel = new KernelConnection({ model, serverSettings: settings, handleComms: false });
  const direct: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const started = performance.now();
    await kernel.requestExecute({ code: "print(1)" }).done;
    if (i >= 5) direct.push(performance.now() - started);
  }
  await kernel.shutdown();

  const floor = zmqFloor(runs);

  const a = summarize(app);
  const d = summarize(direct);
  const f = summarize(floor);
  console.log(`app route:     median ${a.median.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms (sandbox ${course.config.sandbox.enabled ? "on" : "off"})`);
  console.log(`direct kernel: median ${d.median.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms (through Jupyter's WebSocket)`);
  console.log(`ZMQ floor:     median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms (jupyter_client straight to a kernel)`);
  console.log(`the app adds ${(a.median - d.median).toFixed(1)} ms to the direct round trip (ratio ${(a.median / d.median).toFixed(2)}x; target: under 20 ms)`);
  console.log(`app / ZMQ floor: ${(a.median / f.median).toFixed(2)}x at the median (target: at most 2x)`);
} finally {
  await course.stop();
}

/** print(1) round trips straight to a fresh kernel over ZeroMQ (jupyter_client), after 5 warm-ups, in ms. */
function zmqFloor(count: number): number[] {
  const script = [
    "import json, sys, time",
    "from jupyter_client.manager import start_new_kernel",
    "km, kc = start_new_kernel(kernel_name='python3')",
    "quiet = lambda message: None",
    "try:",
    "    for _ in range(5): kc.execute_interactive('print(1)', output_hook=quiet, timeout=30)",
    "    times = []",
    "    for _ in range(int(sys.argv[1])):",
    "        started = time.perf_counter()",
    "        kc.execute_interactive('print(1)', output_hook=quiet, timeout=30)",
    "        times.append((time.perf_counter() - started) * 1000)",
    "    print(json.dumps(times))",
    "finally:",
    "    kc.stop_channels(); km.shutdown_kernel(now=True)",
  ].join("\n");
  const result = spawnSync(path.join(course.config.python.bin, "python"), ["-c", script, String(count)], { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`the ZMQ floor could not be measured: ${result.stderr.trim().split("\n").at(-1)}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as number[];
}
