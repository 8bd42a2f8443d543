// bench/cell-roundtrip: what the app adds to running a cell.
//   figure:   50 runs of print(1) through POST /api/cells/run (NDJSON stream, read to the end)
//   baseline: 50 runs of print(1) straight on a Jupyter kernel through @jupyterlab/services
//   also:     opening a lesson to the first cell's output on a cold kernel
// Both are measured in the same run, against the same Jupyter server.
//   npx tsx bench/cell-roundtrip.ts [runs]
import { KernelAPI, KernelConnection } from "@jupyterlab/services";
import { jupyterSettings } from "../server/jupyter/connection-settings";
import { listLessons } from "../server/lessons/lesson-catalog";
import { startTempCourse } from "../server/testing/temp-course";
import { summarize } from "./stats";

const runs = Number(process.argv[2] ?? 50);
const course = await startTempCourse(["mlflow", "jupyter", "site"]);
const site = `http://127.0.0.1:${course.config.site.port}`;
const lesson = listLessons(course.config.projectRoot)[0];
const cell = lesson.cells[0];

async function runThroughApp(code: string): Promise<{ totalMs: number; firstOutputMs: number }> {
  const started = performance.now();
  const response = await fetch(`${site}/api/cells/run`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lesson: lesson.frontMatter.slug, cellId: cell.id, code }),
  });
  let firstOutputMs = -1;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (firstOutputMs < 0 && value.includes('"type":"stream"')) firstOutputMs = performance.now() - started;
  }
  return { totalMs: performance.now() - started, firstOutputMs };
}

try {
  console.log(`bench/cell-roundtrip: ${runs} runs of print(1), ${new Date().toISOString()}`);

  // Cold: open the lesson page, then run its first cell on a kernel that does not exist yet.
  const coldStart = performance.now();
  await (await fetch(`${site}/lessons/${lesson.frontMatter.slug}`)).text();
  const cold = await runThroughApp("print(1)");
  console.log(`cold: lesson page to first output ${(performance.now() - coldStart).toFixed(0)} ms (kernel start included; run ${cold.totalMs.toFixed(0)} ms)`);

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

  const a = summarize(app);
  const d = summarize(direct);
  console.log(`app route:     median ${a.median.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms`);
  console.log(`direct kernel: median ${d.median.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms`);
  console.log(`the app adds ${(a.median - d.median).toFixed(1)} ms at the median (ratio ${(a.median / d.median).toFixed(2)}x); target: under 20 ms`);
} finally {
  await course.stop();
}
