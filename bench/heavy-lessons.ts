// bench/heavy-lessons: a whole class through the heavy lessons, in step, on one machine.
//   N simulated learners join one classroom course server (real MLflow with workspaces, real
//   Jupyter with sandboxed kernels, the built site). Each learner's workspace is seeded with what
//   lessons 2 to 4 leave (IrisModel version 1 in Staging and @champion, version 2 @challenger with
//   a signature; bench/seed_heavy_lessons.py, not measured). Then, all at once:
//   - lesson 5: Start in the Serve panel (POST /api/model-server), wait until the server is ready,
//     one playground request, the serving Check;
//   - lesson 6: every cell as written (the exercise cell's reference solution in its place, the
//     last cell stops Spark), then the Spark Check.
//   Printed per N: errors (non-2xx, a cell not ending "ok", a report not "passed": must be 0),
//   out-of-memory kills during the run (/proc/vmstat oom_kill: must be 0), the machine's peak used
//   memory (share of the machine: goal at most 80%), the time from Start to a ready model server,
//   each learner's time through lesson 6 (goal: all within 15 minutes), and the Spark queue's
//   waits (from each learner's "Spark is busy" line to "Spark's turn has come": median, p95,
//   longest). Each N runs on a fresh course stack.
//   npx tsx bench/heavy-lessons.ts [--learners 6,18] [--serving-only]
//   (--serving-only: lesson 5 alone, for the serving lesson's figures at sizes lesson 6 would take an hour for)
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { runProcess } from "../lib/process/run-process";
import { lessonProgram } from "../server/lessons/lesson-catalog";
import { openSqliteStore } from "../server/store/database";
import { classLearners } from "../server/store/learners";
import { startTempCourse } from "../server/testing/temp-course";
import { summarize } from "./stats";

const PASSWORD = "bench-course-passphrase";
const REQUEST_TIMEOUT_MS = 30 * 60_000;
const projectRoot = path.resolve(import.meta.dirname, "..");

function parseLearners(argv: string[]): number[] {
  const at = argv.findIndex((arg) => arg === "--learners" || arg.startsWith("--learners="));
  if (at < 0) return [6, 18];
  const raw = argv[at].includes("=") ? argv[at].split("=")[1] : argv[at + 1];
  const values = (raw ?? "").split(",").map((part) => Number(part.trim()));
  if (!values.length || values.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) {
    console.error(`--learners takes whole numbers from 1 to 200 separated by commas (got "${raw ?? ""}")`);
    process.exit(2);
  }
  return values;
}

const readKb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? NaN);
const oomKills = () => Number(/^oom_kill (\d+)$/m.exec(fs.readFileSync("/proc/vmstat", "utf8"))?.[1] ?? NaN);
const stats = (values: number[]) => summarize(values.length ? values : [Number.NaN]);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type Problem = { learner: string; step: string; detail: string };

class Client {
  cookie = "";
  constructor(
    readonly site: string,
    readonly name: string,
  ) {}

  /**
   * node:http rather than fetch: fetch (undici) gives up on an answer whose headers take more than
   * 300 s, and a Spark Check queued behind a class's sessions may wait longer than that.
   */
  async request(method: "GET" | "POST", route: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.site };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(`${this.site}${route}`, { method, headers, agent: this.agent, timeout: REQUEST_TIMEOUT_MS }, resolve);
      request.on("timeout", () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 60_000} minutes`)));
      request.on("error", reject);
      request.end(payload);
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
    for (const line of responseHeaders.getSetCookie()) if (line.startsWith("course_session=")) this.cookie = line.split(";")[0];
    const stream = Readable.toWeb(answer) as ReadableStream<Uint8Array>;
    return new Response(answer.statusCode === 204 ? null : stream, { status: answer.statusCode, headers: responseHeaders });
  }

  private readonly agent = new http.Agent({ keepAlive: false });
}

/** A cell's answer, read as it streams: its status, errors, and when Spark's queue lines came. */
async function runCell(client: Client, lesson: string, cellId: string, code: string) {
  const response = await client.request("POST", "/api/cells/run", { lesson, cellId, code });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let status = "no done event";
  const errors: string[] = [];
  let waitingSince: number | undefined;
  let turnAt: number | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as { type: string; status?: string; text?: string; ename?: string; evalue?: string; level?: string };
      if (event.type === "stream" && event.text?.includes("Spark is busy")) waitingSince ??= performance.now();
      if (event.type === "stream" && event.text?.includes("Spark's turn has come")) turnAt = performance.now();
      if (event.type === "done") status = event.status ?? "";
      if (event.type === "error") errors.push(`${event.ename}: ${event.evalue}`);
      if (event.type === "notice" && event.level === "error") errors.push(event.text ?? "");
    }
  }
  return { status, errors, queuedMs: waitingSince !== undefined && turnAt !== undefined ? turnAt - waitingSince : 0 };
}

type LearnerFigures = { serverReadyMs?: number; servingCheckMs?: number; lesson6Ms?: number; sparkQueuedMs?: number; done: boolean };

const servingOnly = process.argv.includes("--serving-only");

async function learnerWalk(client: Client, problems: Problem[], lesson6: Array<{ id: string; code: string }>): Promise<LearnerFigures> {
  const figures: LearnerFigures = { done: false };
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await action();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      problems.push({ learner: client.name, step: name, detail: `${(error as Error).message}${cause ? ` (${cause.code ?? ""} ${cause.message ?? ""})` : ""}`.slice(0, 400) });
      return undefined;
    }
  };
  const check = async (exercise: string) => {
    const response = await client.request("POST", `/api/exercises/${exercise}/check`);
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const { report } = (await response.json()) as { report: { status: string; checks: Array<{ id: string; status: string; message: string }> } };
    if (report.status !== "passed") throw new Error(`report ${report.status}: ${report.checks.filter((c) => c.status !== "passed").map((c) => `${c.id}: ${c.message}`).join("; ")}`);
  };

  // Lesson 5: the Serve panel's Start, the server ready, a playground request, the Check.
  const served = await step("start the model server", async () => {
    const began = performance.now();
    const started = await client.request("POST", "/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
    if (!started.ok) throw new Error(`HTTP ${started.status}: ${(await started.text()).slice(0, 300)}`);
    for (;;) {
      const view = (await (await client.request("GET", "/api/model-server")).json()) as { state?: string; reason?: string };
      if (view.state === "ready") break;
      if (view.state === "failed" || view.state === "stopped") throw new Error(`server ${view.state}: ${view.reason}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    figures.serverReadyMs = performance.now() - began;
    return true;
  });
  if (!served) return figures;
  await step("playground request", async () => {
    const body = JSON.stringify({ dataframe_split: { columns: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"], data: [[5.1, 3.5, 1.4, 0.2]] } });
    const answer = (await (await client.request("POST", "/api/model-server/invocations", { body, contentType: "application/json" })).json()) as { status?: number };
    if (answer.status !== 200) throw new Error(`the model server answered ${answer.status}`);
  });
  const checkBegan = performance.now();
  if (await step("serving Check", () => check("model-serving").then(() => true))) figures.servingCheckMs = performance.now() - checkBegan;
  if (problems.some((problem) => problem.learner === client.name)) return figures;
  if (servingOnly) {
    figures.done = true;
    return figures;
  }

  // Lesson 6: every cell as written, then the Spark Check.
  const began = performance.now();
  for (const cell of lesson6) {
    const ok = await step(`run cell ${cell.id}`, async () => {
      const ran = await runCell(client, "spark-integration", cell.id, cell.code);
      if (cell.id === "start-spark") figures.sparkQueuedMs = ran.queuedMs;
      if (ran.status !== "ok") throw new Error(`ended "${ran.status}": ${ran.errors.join(" | ").slice(0, 300)}`);
      return true;
    });
    if (!ok) return figures;
  }
  await step("Spark Check", () => check("spark-integration"));
  figures.lesson6Ms = performance.now() - began;
  figures.done = !problems.some((problem) => problem.learner === client.name);
  return figures;
}

async function round(n: number): Promise<void> {
  const course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: PASSWORD, MLFLOW_WORKERS: "2" });
  const site = `http://127.0.0.1:${course.config.site.port}`;
  try {
    const instructor = new Client(site, "instructor");
    await instructor.request("POST", "/api/session/instructor", { password: PASSWORD });
    const { classCode } = (await (await instructor.request("GET", "/api/instructor/class")).json()) as { classCode: string };
    const clients = Array.from({ length: n }, (_, index) => new Client(site, `Learner ${index + 1}`));
    for (const client of clients) {
      const joined = await client.request("POST", "/api/session/join", { classCode, displayName: client.name });
      if (!joined.ok) throw new Error(`${client.name} could not join: ${await joined.text()}`);
    }
    const db = await openSqliteStore(path.join(course.dataDir, "course.db"));
    const workspaces = (await classLearners(db)).map((row) => row.workspace!);
    await db.destroy();
    // Not spawnSync: the services' logs are read by this process, and MLflow blocks when they are not.
    const seeded = await runProcess(
      { command: path.join(projectRoot, ".venv", "bin", "python"), args: [path.join(projectRoot, "bench", "seed_heavy_lessons.py"), ...workspaces], env: { ...process.env, MLFLOW_TRACKING_URI: course.config.mlflow.url }, cwd: projectRoot },
      { timeoutMs: 30 * 60_000 },
    );
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stderr.slice(-1000)}`);

    const totalKb = readKb("MemTotal");
    let minAvailableKb = readKb("MemAvailable");
    const usedBeforeKb = totalKb - minAvailableKb;
    const sampler = setInterval(() => (minAvailableKb = Math.min(minAvailableKb, readKb("MemAvailable"))), 500);
    const killsBefore = oomKills();
    const problems: Problem[] = [];
    const lesson6 = lessonProgram(projectRoot, "spark-integration");
    const began = performance.now();
    const figures = await Promise.all(clients.map((client) => learnerWalk(client, problems, lesson6)));
    const wallMs = performance.now() - began;
    clearInterval(sampler);
    const kills = oomKills() - killsBefore;

    const ready = stats(figures.flatMap((f) => (f.serverReadyMs === undefined ? [] : [f.serverReadyMs])));
    const lesson6Ms = figures.flatMap((f) => (f.lesson6Ms === undefined ? [] : [f.lesson6Ms]));
    const queued = figures.flatMap((f) => (f.sparkQueuedMs === undefined ? [] : [f.sparkQueuedMs]));
    const peakUsedKb = totalKb - minAvailableKb;
    console.log(`\n== ${n} learners (${os.availableParallelism()} cores, ${(totalKb / 1024 / 1024).toFixed(1)} GB)`);
    console.log(`  errors: ${problems.length}${problems.length ? ` (first: ${problems[0].learner}, ${problems[0].step}: ${problems[0].detail})` : ""}; learners done: ${figures.filter((f) => f.done).length} of ${n}`);
    console.log(`  out-of-memory kills: ${kills}`);
    console.log(`  memory used: ${(usedBeforeKb / 1024 / 1024).toFixed(1)} GB before, peak ${(peakUsedKb / 1024 / 1024).toFixed(1)} GB = ${((100 * peakUsedKb) / totalKb).toFixed(0)}% of the machine (${((peakUsedKb - usedBeforeKb) / 1024 / n).toFixed(0)} MB per learner)`);
    console.log(`  model server Start -> ready: median ${seconds(ready.median)}, p95 ${seconds(ready.p95)}`);
    const servingChecks = figures.flatMap((f) => (f.servingCheckMs === undefined ? [] : [f.servingCheckMs]));
    console.log(`  serving Check (its helper's turn included): ${servingChecks.length} passed; median ${seconds(stats(servingChecks).median)}, p95 ${seconds(stats(servingChecks).p95)}, longest ${seconds(Math.max(...servingChecks, 0))}`);
    if (!servingOnly) console.log(`  lesson 6 (every cell and the Spark Check): median ${seconds(stats(lesson6Ms).median)}, p95 ${seconds(stats(lesson6Ms).p95)}, longest ${seconds(Math.max(...lesson6Ms))}; all ${n} through lessons 5 and 6 in ${seconds(wallMs)}`);
    const waited = queued.filter((ms) => ms > 0);
    if (!servingOnly) console.log(`  Spark queue: ${waited.length} of ${queued.length} learners waited; wait median ${seconds(stats(queued).median)}, p95 ${seconds(stats(queued).p95)}, longest ${seconds(Math.max(...queued, 0))}`);
    for (const problem of problems.slice(0, 10)) console.log(`    ${problem.learner}: ${problem.step}: ${problem.detail}`);
    const restarts = course.supervisor.statuses().filter((status) => status.restarts > 0);
    if (restarts.length) console.log(`  services restarted: ${restarts.map((status) => `${status.name} ${status.restarts}x`).join(", ")}`);
    if (problems.length) {
      const log = fs.readFileSync(path.join(course.config.runDir, "logs", "site.log"), "utf8").split("\n").slice(-40).join("\n    ");
      console.log(`  the site's log, last lines:\n    ${log}`);
    }
  } finally {
    await course.stop();
  }
}

for (const n of parseLearners(process.argv.slice(2))) await round(n);
