// bench/serving: the learner's model server through the course.
//   time from Start (POST /api/model-server) to ready (/ping answers)
//   median latency of a two-row request through the app (/api/model-server/invocations)
//   versus straight to the scoring server's /invocations, in the same run
//   npx tsx bench/serving.ts [requests]
import { waitUntil } from "../lib/process/wait-until";
import { runFixture } from "../server/testing/python-fixture";
import { startTempCourse } from "../server/testing/temp-course";
import { summarize } from "./stats";

const requests = Number(process.argv[2] ?? 50);
const course = await startTempCourse(["mlflow", "jupyter", "site"]);
const site = `http://127.0.0.1:${course.config.site.port}`;
const body = JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5], [5.7, 2.9, 4.2, 1.3]] });

try {
  console.log(`bench/serving: ${requests} two-row requests, ${new Date().toISOString()}`);
  await runFixture("stage_iris_model.py", course.config.mlflow.url);
  const port = course.config.modelServers.portRange.min;
  const started = performance.now();
  const start = await fetch(`${site}/api/model-server`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ modelUri: "models:/IrisModel/Staging", port }),
  });
  if (!start.ok) throw new Error(`start failed: ${await start.text()}`);
  let state = "starting";
  const settled = async () => (state = ((await (await fetch(`${site}/api/model-server`)).json()) as { state: string }).state) !== "starting";
  // No time limit of its own: the course fails a server that does not become ready.
  await waitUntil(settled, { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: 100, probeErrors: "fail" });
  if (state !== "ready") throw new Error(`the model server ended ${state}`);
  console.log(`Start to ready: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const time = async (call: () => Promise<Response>) => {
    const t = performance.now();
    const response = await call();
    await response.text();
    if (!response.ok) throw new Error(`request failed: ${response.status}`);
    return performance.now() - t;
  };
  const viaApp = () =>
    fetch(`${site}/api/model-server/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body }) });
  const direct = () => fetch(`http://127.0.0.1:${port}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body });
  for (let i = 0; i < 5; i++) await time(viaApp), await time(direct);
  const app: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < requests; i++) {
    app.push(await time(viaApp));
    raw.push(await time(direct));
  }
  const a = summarize(app);
  const d = summarize(raw);
  console.log(`through the app: median ${a.median.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms`);
  console.log(`direct:          median ${d.median.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms`);
  console.log(`the app adds ${(a.median - d.median).toFixed(1)} ms at the median (ratio ${(a.median / d.median).toFixed(2)}x)`);
  await fetch(`${site}/api/model-server`, { method: "DELETE" });
} finally {
  await course.stop();
}
