// bench/cell-roundtrip: what the app adds to running a cell.
//   figure:   print(1) through POST /api/cells/run (NDJSON stream, read to the end, checked)
//   baseline: print(1) straight on a Jupyter kernel through @jupyterlab/services
//   floor:    print(1) sent straight to a kernel over ZeroMQ with jupyter_client
//             (no Jupyter server, no WebSocket): what Python and the kernel cost
//   also:     opening a lesson to the first cell's output on a cold kernel
// The three are measured in turns, one run of each per round with the order rotating, against
// the same Jupyter server, so that the machine's noise (a shared VM's moves by milliseconds from
// minute to minute) falls on all three alike. Every run's answer is checked (status, "1").
//   npx tsx bench/cell-roundtrip.ts [runs]
import path from "node:path";
import http from "node:http";
import readline from "node:readline";
import { KernelAPI, KernelConnection, type KernelMessage } from "@jupyterlab/services";
import { spawnGroup } from "../lib/process/process-group";
import { jupyterSettings } from "../server/jupyter/connection-settings";
import { listLessons } from "../server/lessons/lesson-catalog";
import { readCellRun } from "../server/testing/raw-http";
import { startTempCourse } from "../server/testing/temp-course";
import { waitUntilIdle } from "./idle";
import { summarize } from "./stats";

const runs = Number(process.argv[2] ?? 50);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`runs must be a whole number from 1 (got "${process.argv[2]}")`);
  process.exit(2);
}
const WARMUPS = 5;
const course = await startTempCourse(["mlflow", "jupyter", "site"]);
const site = `http://127.0.0.1:${course.config.site.port}`;
const lesson = listLessons(course.config.projectRoot)[0];
const cell = lesson.cells[0];

// node:http with keep-alive, like a browser's connection: Node's fetch (undici) alone adds about
// 1.5 ms a request on this machine, which is the client's cost, not the course's.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** print(1) through the app's route, in ms; throws unless it answered 200, printed 1 and ended ok. */
function throughApp(): Promise<number> {
  const started = performance.now();
  const body = JSON.stringify({ lesson: lesson.frontMatter.slug, cellId: cell.id, code: "print(1)" });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port: course.config.site.port, method: "POST", path: "/api/cells/run", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const ms = performance.now() - started;
          const run = readCellRun({ status: response.statusCode ?? 0, text });
          const ok = response.statusCode === 200 && run.status === "ok" && run.text === "1\n" && run.problems.length === 0;
          if (ok) resolve(ms);
          else reject(new Error(`the app's answer to print(1) was not a successful run (HTTP ${response.statusCode}): ${text.slice(0, 500)}`));
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** print(1) on a kernel through Jupyter's WebSocket, in ms; throws unless it printed 1 and replied ok. */
async function throughJupyter(kernel: KernelConnection): Promise<number> {
  const started = performance.now();
  const future = kernel.requestExecute({ code: "print(1)" });
  let printed = "";
  future.onIOPub = (message) => {
    if (message.header.msg_type === "stream") printed += (message as KernelMessage.IStreamMsg).content.text;
  };
  const reply = await future.done;
  const ms = performance.now() - started;
  if (reply.content.status !== "ok" || printed !== "1\n") throw new Error(`print(1) through Jupyter: status ${reply.content.status}, printed ${JSON.stringify(printed)}`);
  return ms;
}

/**
 * The ZMQ floor: a Python process holding a kernel of its own (jupyter_client, no Jupyter server),
 * which runs print(1) each time it reads a line and answers with the time it took.
 */
async function startFloor() {
  const script = [
    "import json, sys, time",
    "from jupyter_client.manager import start_new_kernel",
    "km, kc = start_new_kernel(kernel_name='python3')",
    "printed = []",
    "hook = lambda message: printed.append(message['content'].get('text', '')) if message['msg_type'] == 'stream' else None",
    "print('ready', flush=True)",
    "try:",
    "    for _ in sys.stdin:",
    "        printed.clear()",
    "        started = time.perf_counter()",
    "        reply = kc.execute_interactive('print(1)', output_hook=hook, timeout=30)",
    "        ms = (time.perf_counter() - started) * 1000",
    "        print(json.dumps({'ms': ms, 'ok': reply['content']['status'] == 'ok' and ''.join(printed) == '1\\n'}), flush=True)",
    "finally:",
    "    kc.stop_channels(); km.shutdown_kernel(now=True)",
  ].join("\n");
  const group = spawnGroup(
    { command: path.join(course.config.python.bin, "python"), args: ["-c", script], env: process.env, cwd: course.dataDir },
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  group.child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const lines = readline.createInterface({ input: group.child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`the ZMQ floor's Python process ended: ${stderr.trim().split("\n").at(-1)}`);
    return line.value;
  };
  if ((await next()) !== "ready") throw new Error("the ZMQ floor's Python process did not start its kernel");
  return {
    async once(): Promise<number> {
      group.child.stdin!.write("run\n");
      const answer = JSON.parse(await next()) as { ms: number; ok: boolean };
      if (!answer.ok) throw new Error("print(1) over ZMQ did not print 1 and reply ok");
      return answer.ms;
    },
    stop: () => group.stop(),
  };
}

let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
let kernel: KernelConnection | undefined;
try {
  console.log(`bench/cell-roundtrip: ${runs} rounds of print(1) (app, Jupyter, ZMQ in turns), ${new Date().toISOString()}`);

  // Cold: open the lesson page, then run its first cell on a kernel started when the course did.
  const coldStart = performance.now();
  await (await fetch(`${site}/lessons/${lesson.frontMatter.slug}`)).text();
  const pageMs = performance.now() - coldStart;
  const coldRun = await throughApp();
  console.log(`cold: lesson page to first output ${(performance.now() - coldStart).toFixed(0)} ms (page ${pageMs.toFixed(0)} ms, run ${coldRun.toFixed(0)} ms)`);

  // While the kernel does its start-up imports (python/course_kernel.py), cells share the interpreter with them.
  const during: number[] = [];
  for (let i = 0; i < 5; i++) during.push(await throughApp());
  console.log(`right after: print(1) ${during.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`);

  const settings = jupyterSettings(course.config.jupyter.url, course.config.jupyter.token!);
  kernel = new KernelConnection({ model: await KernelAPI.startNew({ name: "python3" }, settings), serverSettings: settings, handleComms: false });
  floor = await startFloor();
  const settledMs = await waitUntilIdle();
  console.log(`machine idle again ${(settledMs / 1000).toFixed(1)} s later; the figures below are the kernels' steady state`);

  const ways: Array<{ name: string; once: () => Promise<number>; times: number[] }> = [
    { name: "app", once: throughApp, times: [] },
    { name: "jupyter", once: () => throughJupyter(kernel!), times: [] },
    { name: "zmq", once: () => floor!.once(), times: [] },
  ];
  for (let round = 0; round < WARMUPS + runs; round++) {
    for (let turn = 0; turn < ways.length; turn++) {
      const way = ways[(round + turn) % ways.length];
      const ms = await way.once();
      if (round >= WARMUPS) way.times.push(ms);
    }
  }

  const [a, d, f] = ways.map((way) => summarize(way.times));
  console.log(`app route:     median ${a.median.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms (sandbox ${course.config.sandbox.enabled ? "on" : "off"})`);
  console.log(`direct kernel: median ${d.median.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms (through Jupyter's WebSocket)`);
  console.log(`ZMQ floor:     median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms (jupyter_client straight to a kernel)`);
  console.log(`the app adds ${(a.median - d.median).toFixed(1)} ms to the direct round trip (ratio ${(a.median / d.median).toFixed(2)}x)`);
  console.log(`app / ZMQ floor: ${(a.median / f.median).toFixed(2)}x at the median (target: at most 2x)`);
} finally {
  await kernel?.shutdown().catch(() => undefined);
  await floor?.stop();
  await course.stop();
}
