// bench/classroom-load: how many learners one machine holds in classroom mode.
//   figure:   N simulated learners join one classroom course server (real MLflow with
//             workspaces, real Jupyter, the built site behind its entry point, scripts/site.ts), then all at once
//             each opens the tracking exercise (page + kernel warm, as the lesson view does),
//             runs its cells in order through POST /api/cells/run (solutions in place of the
//             exercise cells) and presses Check once. Between opening the lesson and the first
//             cell, the learners read while their kernels start and do the course's imports: the
//             bench waits until Jupyter's processes are idle (reported as "kernels ready"), as a
//             class does between joining and the exercise. The training cell (track-the-run)
//             starts for everyone in the same second: each learner waits at it until all are there. Printed per N: p50/p95 Check latency,
//             p95 cell latency, errors (non-2xx answers, cell runs not ending "ok", reports not
//             "passed": must be 0) and memory per learner.
//   baseline: the same cells on one kernel straight through @jupyterlab/services, on the same
//             stack just before the learners arrive (idle machine): the per-cell ratio.
// Each N runs on a fresh course stack (temp folder, free ports), stopped before the next N,
// so the figures are independent. Everything goes through the app's HTTP routes, with the
// site's Origin and one cookie jar per learner, as browsers would. Each learner also sends its
// own X-Forwarded-For, as a reverse proxy would (the course only believes it with
// COURSE_TRUST_PROXY=true; right class codes are never rate-limited either way).
//   npx tsx bench/classroom-load.ts [--learners 5,15,30]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { KernelAPI, KernelConnection } from "@jupyterlab/services";
import { jupyterSettings } from "../server/jupyter/connection-settings";
import { UNSANDBOXED_KERNEL } from "../server/launchers/kernel-specs";
import { createWorkspace } from "../server/identity/workspaces";
import { lessonProgram } from "../server/lessons/lesson-catalog";
import { loopbackFor } from "../server/supervisor/course-services";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { waitUntilIdle } from "./idle";
import { summarize } from "./stats";

const LESSON = "tracking-exercise";
/** The exercise's slow cell: fit, log_model, two artifacts. Every learner starts it at the same moment. */
const TRAINING_CELL = "track-the-run";
const EXERCISE = "tracking-exercise";
const PASSWORD = "bench-course-passphrase";
/** No single request may take longer than this; a hung request is counted as an error. */
const REQUEST_TIMEOUT_MS = 300_000;

function parseLearners(argv: string[]): number[] {
  const at = argv.findIndex((arg) => arg === "--learners" || arg.startsWith("--learners="));
  if (at < 0) return [5, 15, 30];
  const raw = argv[at].includes("=") ? argv[at].split("=")[1] : argv[at + 1];
  const values = (raw ?? "").split(",").map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) {
    console.error(`--learners takes whole numbers from 1 to 200 separated by commas, e.g. --learners 5,15 (got "${raw ?? ""}")`);
    process.exit(2);
  }
  return values;
}

// ---------- memory: resident set of a service and everything it started, from /proc ----------

/** The process and all its descendants. Jupyter starts kernels in their own sessions, so a
 *  process group would miss them: follow parent ids instead. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces): state ppid ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  if (!fs.existsSync(`/proc/${root}`)) return [];
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

function kbField(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

function readKb(file: string, name: string): number {
  try {
    return kbField(fs.readFileSync(file, "utf8"), name);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) used so far by a process tree. */
function cpuSeconds(root: number | null): number {
  if (!root) return 0;
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / ticksPerSecond;
}

type GroupMemory = { processes: number; rssKb: number; pssKb: number; leaderRssKb: number };

/** RSS of a service's process tree; PSS too when asked (it counts shared pages once in total). */
function groupMemory(root: number | null, withPss: boolean): GroupMemory {
  if (!root) return { processes: 0, rssKb: 0, pssKb: 0, leaderRssKb: 0 };
  let rssKb = 0;
  let pssKb = 0;
  let leaderRssKb = 0;
  const members = processTree(root);
  for (const pid of members) {
    const rss = readKb(`/proc/${pid}/status`, "VmRSS");
    rssKb += rss;
    if (pid === root) leaderRssKb = rss;
    if (withPss) pssKb += readKb(`/proc/${pid}/smaps_rollup`, "Pss");
  }
  return { processes: members.length, rssKb, pssKb, leaderRssKb };
}

type Groups = { mlflow: number | null; jupyter: number | null; site: number | null };
type Snapshot = { mlflow: GroupMemory; jupyter: GroupMemory; site: GroupMemory; memAvailableKb: number };

function snapshot(groups: Groups, withPss = true): Snapshot {
  return {
    mlflow: groupMemory(groups.mlflow, withPss),
    jupyter: groupMemory(groups.jupyter, withPss),
    site: groupMemory(groups.site, withPss),
    memAvailableKb: readKb("/proc/meminfo", "MemAvailable"),
  };
}

/** Samples the services' total RSS every second, to report the peak. */
function samplePeak(groups: Groups) {
  let peakKb = 0;
  let minAvailableKb = Number.POSITIVE_INFINITY;
  const timer = setInterval(() => {
    const s = snapshot(groups, false);
    peakKb = Math.max(peakKb, s.mlflow.rssKb + s.jupyter.rssKb + s.site.rssKb);
    minAvailableKb = Math.min(minAvailableKb, s.memAvailableKb);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return { peakKb, minAvailableKb };
    },
  };
}

/** 1-minute load average: other work on the machine skews the figures, so it is printed with them. */
const loadAverage = () => os.loadavg()[0].toFixed(2);
const mb = (kb: number) => kb / 1024;
const fmtMb = (kb: number) => `${mb(kb).toFixed(0)} MB`;
/** summarize() that survives an empty list (every learner failed before that step). */
const stats = (values: number[]) => summarize(values.length ? values : [Number.NaN]);
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

// ---------- one simulated learner: a cookie jar and the routes a browser calls ----------

type Problem = { learner: string; step: string; detail: string };

class Client {
  cookie = "";

  constructor(
    readonly site: string,
    readonly name: string,
    /** Each simulated learner is its own client machine, as behind the class's reverse proxy. */
    readonly address: string,
  ) {}

  async request(method: "GET" | "POST", route: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { origin: this.site, "x-forwarded-for": this.address };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    const response = await fetch(`${this.site}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0];
      if (pair.startsWith("course_session=")) this.cookie = pair;
    }
    return response;
  }
}

async function failure(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  return `HTTP ${response.status}: ${text.slice(0, 300)}`;
}

type CellTiming = { cellId: string; ms: number; status?: string; startedAt?: number };

/** Lets every learner start one cell at the same moment; a learner who stopped earlier still arrives. */
class Barrier {
  private arrived = 0;
  private open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly expected: number) {
    if (expected === 0) this.open();
  }
  arrive(): Promise<void> {
    if (++this.arrived >= this.expected) this.open();
    return this.opened;
  }
}

type LearnerResult = {
  joined: boolean;
  pageMs?: number;
  warmMs?: number;
  cells: CellTiming[];
  checkMs?: number;
};

async function join(client: Client, classCode: string, problems: Problem[]): Promise<boolean> {
  try {
    const response = await client.request("POST", "/api/session/join", { classCode, displayName: client.name });
    if (!response.ok || !client.cookie) {
      problems.push({ learner: client.name, step: "join", detail: response.ok ? "no session cookie in the answer" : await failure(response) });
      return false;
    }
    await response.text();
    return true;
  } catch (error) {
    problems.push({ learner: client.name, step: "join", detail: (error as Error).message });
    return false;
  }
}

/** Reads a cell's NDJSON stream to the end; returns the final status and any error text. */
async function readCellStream(response: Response): Promise<{ status: string; errors: string[] }> {
  const text = await response.text();
  let status = "no done event";
  const errors: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let event: { type?: string; status?: string; ename?: string; evalue?: string; level?: string; text?: string };
    try {
      event = JSON.parse(line);
    } catch {
      errors.push(`not JSON: ${line.slice(0, 120)}`);
      continue;
    }
    if (event.type === "done") status = event.status ?? "done without status";
    if (event.type === "error") errors.push(`${event.ename}: ${event.evalue}`);
    if (event.type === "notice" && event.level === "error") errors.push(event.text ?? "");
  }
  return { status, errors };
}

type Gates = { kernelsReady: { arrive(): Promise<void> }; training: Barrier };

async function workThrough(client: Client, program: Array<{ id: string; code: string }>, problems: Problem[], gates: Gates): Promise<Omit<LearnerResult, "joined">> {
  const result: Omit<LearnerResult, "joined"> = { cells: [] };
  let arrived = false;
  try {
    return await workThroughUntilDone(client, program, problems, result, gates.kernelsReady, async () => {
      arrived = true;
      await gates.training.arrive();
    });
  } finally {
    if (!arrived) void gates.training.arrive();
  }
}

async function workThroughUntilDone(
  client: Client,
  program: Array<{ id: string; code: string }>,
  problems: Problem[],
  result: Omit<LearnerResult, "joined">,
  kernelsReady: { arrive(): Promise<void> },
  beforeTraining: () => Promise<void>,
): Promise<Omit<LearnerResult, "joined">> {
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await action();
    } catch (error) {
      problems.push({ learner: client.name, step: name, detail: (error as Error).message });
      return undefined;
    }
  };

  // Opening the lesson: the page, then the lesson view warms the learner's kernel.
  await step("open lesson page", async () => {
    const started = performance.now();
    const response = await client.request("GET", `/lessons/${LESSON}`);
    if (!response.ok) throw new Error(await failure(response));
    await response.text();
    result.pageMs = performance.now() - started;
  });
  await step("warm kernel", async () => {
    const started = performance.now();
    const response = await client.request("POST", "/api/kernel", { action: "warm" });
    if (!response.ok) throw new Error(await failure(response));
    await response.text();
    result.warmMs = performance.now() - started;
  });
  // Reading the lesson while every learner's kernel starts and imports.
  await kernelsReady.arrive();

  for (const cell of program) {
    if (cell.id === TRAINING_CELL) await beforeTraining();
    const ok = await step(`run cell ${cell.id}`, async () => {
      const started = performance.now();
      const response = await client.request("POST", "/api/cells/run", { lesson: LESSON, cellId: cell.id, code: cell.code });
      if (!response.ok) throw new Error(await failure(response));
      const { status, errors } = await readCellStream(response);
      const ms = performance.now() - started;
      result.cells.push({ cellId: cell.id, ms, status, startedAt: started });
      if (status !== "ok") throw new Error(`ended "${status}" after ${fmtMs(ms)}${errors.length ? `: ${errors.join(" | ").slice(0, 400)}` : ""}`);
      return true;
    });
    // A learner whose cell failed stops there, as a person would (the next cells depend on it).
    if (!ok) return result;
  }

  await step("check", async () => {
    const started = performance.now();
    const response = await client.request("POST", `/api/exercises/${EXERCISE}/check`);
    if (!response.ok) throw new Error(await failure(response));
    const payload = (await response.json()) as { report: { status: string; checks: Array<{ id: string; status: string; message: string }> } };
    result.checkMs = performance.now() - started;
    if (payload.report.status !== "passed") {
      const notPassed = payload.report.checks.filter((check) => check.status !== "passed");
      throw new Error(`report ${payload.report.status}: ${notPassed.map((check) => `${check.id} ${check.status} (${check.message})`).join("; ").slice(0, 500)}`);
    }
  });
  return result;
}

// ---------- baseline: the same cells on one kernel, straight through @jupyterlab/services ----------

async function baseline(course: TempCourse, program: Array<{ id: string; code: string }>, jupyterPid: number | null): Promise<{ startMs: number; cells: CellTiming[] }> {
  const workspace = "bench-baseline";
  await createWorkspace(course.config.mlflow.url, workspace);
  const workdir = fs.mkdtempSync(path.join(course.config.jupyter.rootDir, "baseline-"));
  const settings = jupyterSettings(course.config.jupyter.url, course.config.jupyter.token!);
  const began = performance.now();
  // The course's own kernel (python/course_kernel.py), as the learners get, without the sandbox.
  const model = await KernelAPI.startNew({ name: UNSANDBOXED_KERNEL }, settings);
  const kernel = new KernelConnection({ model, serverSettings: settings, handleComms: false });
  try {
    // What the app's preamble does: own folder, own workspace (plots are inline by MPLBACKEND).
    const preamble = await kernel.requestExecute({
      code: `import os\nos.chdir(${JSON.stringify(workdir)})\nos.environ["MLFLOW_WORKSPACE"] = ${JSON.stringify(workspace)}`,
      silent: true,
      store_history: false,
    }).done;
    if (preamble.content.status !== "ok") throw new Error("baseline preamble failed");
    const startMs = performance.now() - began;
    // As for the learners: the kernel's start-up imports are done before the first cell.
    await waitUntilIdle(() => cpuSeconds(jupyterPid));
    const cells: CellTiming[] = [];
    for (const cell of program) {
      const started = performance.now();
      const reply = await kernel.requestExecute({ code: cell.code }).done;
      if (reply.content.status !== "ok") throw new Error(`baseline cell ${cell.id} ended ${reply.content.status}`);
      cells.push({ cellId: cell.id, ms: performance.now() - started });
    }
    return { startMs, cells };
  } finally {
    await kernel.shutdown().catch(() => undefined);
    kernel.dispose();
  }
}

// ---------- one N on a fresh stack ----------

type RoundFigures = {
  learners: number;
  checkP50: number;
  checkP95: number;
  cellP95: number;
  trainingP50: number;
  trainingP95: number;
  kernelsReadyS: number;
  baselineCellP95: number;
  errors: number;
  perLearnerRssMb: number;
  perLearnerPssMb: number;
  perLearnerPeakMb: number;
  restarted: number;
  kernelRssMb: number;
  peakMb: number;
  stackAfterMb: number;
  wallS: number;
};

async function round(n: number, program: Array<{ id: string; code: string }>): Promise<RoundFigures> {
  const startedStack = performance.now();
  // MLflow with the 2 workers `npm start` runs: this bench measures what a class gets.
  const course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: PASSWORD, MLFLOW_WORKERS: "2" });
  const onSignal = () => {
    course.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const site = `http://${loopbackFor(course.config.site.host)}:${course.config.site.port}`;
    const pid = (name: "mlflow" | "jupyter" | "site") => course.supervisor.supervisor(name)?.status().pid ?? null;
    const groups: Groups = { mlflow: pid("mlflow"), jupyter: pid("jupyter"), site: pid("site") };
    console.log(`\n== ${n} learners (stack ready in ${((performance.now() - startedStack) / 1000).toFixed(1)} s; site ${site}; machine load ${loadAverage()}) ==`);

    const base = await baseline(course, program, groups.jupyter);
    console.log(`baseline, one kernel alone: start ${fmtMs(base.startMs)}; ${base.cells.map((c) => `${c.cellId} ${fmtMs(c.ms)}`).join(", ")}`);

    const problems: Problem[] = [];
    const instructor = new Client(site, "instructor", "10.255.255.1");
    const signIn = await instructor.request("POST", "/api/session/instructor", { password: PASSWORD });
    if (!signIn.ok) throw new Error(`instructor sign-in: ${await failure(signIn)}`);
    await signIn.text();
    const classResponse = await instructor.request("GET", "/api/instructor/class");
    if (!classResponse.ok) throw new Error(`class overview: ${await failure(classResponse)}`);
    const { classCode } = (await classResponse.json()) as { classCode: string };

    // Let the baseline kernel's exit settle before the "before" snapshot.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = snapshot(groups);
    const sampler = samplePeak(groups);
    const began = performance.now();

    const clients = Array.from({ length: n }, (_, i) => new Client(site, `Learner ${i + 1}`, `10.0.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`));
    const joinStarted = performance.now();
    const joined = await Promise.all(clients.map((client) => join(client, classCode, problems)));
    const joinMs = performance.now() - joinStarted;

    const opened = new Barrier(joined.filter(Boolean).length);
    let kernelsReadyMs = 0;
    const settled = opened.opened.then(async () => {
      kernelsReadyMs = performance.now() - joinStarted;
      kernelsReadyMs += await waitUntilIdle(() => cpuSeconds(groups.jupyter));
    });
    const kernelsReady = { arrive: () => opened.arrive().then(() => settled) };
    const training = new Barrier(joined.filter(Boolean).length);
    const results = await Promise.all(
      clients.map(async (client, i): Promise<LearnerResult> => (joined[i] ? { joined: true, ...(await workThrough(client, program, problems, { kernelsReady, training })) } : { joined: false, cells: [] })),
    );
    const wallMs = performance.now() - began;
    const peak = sampler.stop();

    // The instructor's page lists every learner who joined.
    const roster = await instructor.request("GET", "/api/instructor/class");
    const listed = roster.ok ? ((await roster.json()) as { learners: unknown[] }).learners.length : -1;
    if (listed !== n) problems.push({ learner: "instructor", step: "class overview", detail: `lists ${listed} learners, expected ${n}` });

    // Kernels stay alive after the checks (a learner keeps working): this is what the class holds.
    const after = snapshot(groups);

    const checks = results.flatMap((r) => (r.checkMs === undefined ? [] : [r.checkMs]));
    const cells = results.flatMap((r) => r.cells);
    const check = stats(checks);
    const cell = stats(cells.map((c) => c.ms));
    const baseCells = stats(base.cells.map((c) => c.ms));
    const warm = stats(results.flatMap((r) => (r.warmMs === undefined ? [] : [r.warmMs])));
    const page = stats(results.flatMap((r) => (r.pageMs === undefined ? [] : [r.pageMs])));

    // A cell that timed out or died leaves a restarted, empty kernel: memory is then understated.
    const restarted = cells.filter((c) => c.status === "timeout" || c.status === "dead").length;
    const kernelsRssKb = after.jupyter.rssKb - after.jupyter.leaderRssKb;
    const idleKb = before.mlflow.rssKb + before.jupyter.rssKb + before.site.rssKb;
    const kernelCount = after.jupyter.processes - 1;
    const grow = (key: "mlflow" | "jupyter" | "site", field: "rssKb" | "pssKb") => after[key][field] - before[key][field];
    const growthRssKb = grow("jupyter", "rssKb") + grow("mlflow", "rssKb") + grow("site", "rssKb");
    const growthPssKb = grow("jupyter", "pssKb") + grow("mlflow", "pssKb") + grow("site", "pssKb");

    console.log(`joins: ${joined.filter(Boolean).length}/${n} in ${fmtMs(joinMs)}; all learners through cells and Check in ${(wallMs / 1000).toFixed(1)} s (machine load now ${loadAverage()})`);
    console.log(`lesson page p50 ${fmtMs(page.median)} p95 ${fmtMs(page.p95)}; kernel warm (start) p50 ${fmtMs(warm.median)} p95 ${fmtMs(warm.p95)} (alone: ${fmtMs(base.startMs)})`);
    console.log(`kernels ready (started, the course's imports done, Jupyter idle) ${(kernelsReadyMs / 1000).toFixed(1)} s after the joins began`);
    console.log(`check latency: p50 ${fmtMs(check.median)}, p95 ${fmtMs(check.p95)} (n=${check.n})`);
    console.log(`cell latency:  p95 ${fmtMs(cell.p95)} over ${cell.n} runs (alone: p95 ${fmtMs(baseCells.p95)}; ratio ${(cell.p95 / baseCells.p95).toFixed(1)}x)`);
    const trainingStarts = cells.filter((c) => c.cellId === TRAINING_CELL && c.startedAt !== undefined).map((c) => c.startedAt!);
    const trainingRuns = stats(cells.filter((c) => c.cellId === TRAINING_CELL).map((c) => c.ms));
    if (trainingStarts.length) {
      console.log(
        `training cell (${TRAINING_CELL}), ${trainingStarts.length} learners started it within ${fmtMs(Math.max(...trainingStarts) - Math.min(...trainingStarts))}: ` +
          `p50 ${fmtMs(trainingRuns.median)}, p95 ${fmtMs(trainingRuns.p95)} (target: p95 under 60 s)`,
      );
    }
    for (const { id } of program) {
      const mine = stats(cells.filter((c) => c.cellId === id).map((c) => c.ms));
      const alone = base.cells.find((c) => c.cellId === id)!.ms;
      console.log(`  ${id.padEnd(16)} p50 ${fmtMs(mine.median).padStart(8)}  p95 ${fmtMs(mine.p95).padStart(8)}  alone ${fmtMs(alone).padStart(8)}  ratio p50 ${(mine.median / alone).toFixed(1)}x, p95 ${(mine.p95 / alone).toFixed(1)}x`);
    }
    console.log(`errors: ${problems.length}`);
    for (const problem of problems) console.log(`  ${problem.learner} / ${problem.step}: ${problem.detail}`);
    console.log(
      `memory: kernels ${kernelCount} x ${fmtMb(kernelCount ? kernelsRssKb / kernelCount : 0)} RSS = ${fmtMb(kernelsRssKb)}; ` +
        `growth jupyter group ${fmtMb(grow("jupyter", "rssKb"))}, mlflow ${fmtMb(grow("mlflow", "rssKb"))}, site ${fmtMb(grow("site", "rssKb"))}`,
    );
    console.log(
      `  per learner: ${fmtMb(growthRssKb / n)} RSS (${fmtMb(growthPssKb / n)} PSS, shared pages counted once) after the Check, ` +
        `${fmtMb((peak.peakKb - idleKb) / n)} RSS at the peak (while the cells ran)` +
        (restarted ? `; UNDERSTATED: ${restarted} kernel(s) were restarted after a timeout and hold nothing` : ""),
    );
    console.log(
      `  stack total RSS ${fmtMb(idleKb)} idle -> ${fmtMb(after.mlflow.rssKb + after.jupyter.rssKb + after.site.rssKb)} after (peak ${fmtMb(peak.peakKb)}); ` +
        `machine MemAvailable ${fmtMb(before.memAvailableKb)} -> lowest ${fmtMb(Math.min(peak.minAvailableKb, after.memAvailableKb))} (other processes included)`,
    );

    return {
      learners: n,
      checkP50: check.median,
      checkP95: check.p95,
      cellP95: cell.p95,
      trainingP50: trainingRuns.median,
      trainingP95: trainingRuns.p95,
      kernelsReadyS: kernelsReadyMs / 1000,
      baselineCellP95: baseCells.p95,
      errors: problems.length,
      perLearnerRssMb: mb(growthRssKb / n),
      perLearnerPssMb: mb(growthPssKb / n),
      perLearnerPeakMb: mb((peak.peakKb - idleKb) / n),
      restarted,
      kernelRssMb: mb(kernelCount ? kernelsRssKb / kernelCount : 0),
      peakMb: mb(peak.peakKb),
      stackAfterMb: mb(after.mlflow.rssKb + after.jupyter.rssKb + after.site.rssKb),
      wallS: wallMs / 1000,
    };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await course.stop();
  }
}

const learnerCounts = parseLearners(process.argv.slice(2));
const projectRoot = path.resolve(import.meta.dirname, "..");
const program = lessonProgram(projectRoot, LESSON);
console.log(
  `bench/classroom-load: N = ${learnerCounts.join(", ")}; lesson ${LESSON} (${program.map((c) => c.id).join(", ")}) then Check; ` +
    `${new Date().toISOString()}; ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.versions.node}`,
);

const figures: RoundFigures[] = [];
for (const n of learnerCounts) figures.push(await round(n, program));

console.log("\n| learners | kernels ready | Check p50 / p95 | training cell p50 / p95, all at once | cell p95 (alone, ratio) | errors | memory per learner: RSS (PSS) after, RSS at peak | kernel RSS | stack peak RSS | wall time |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const f of figures) {
  console.log(
    `| ${f.learners} | ${f.kernelsReadyS.toFixed(0)} s | ${fmtMs(f.checkP50)} / ${fmtMs(f.checkP95)} | ${fmtMs(f.trainingP50)} / ${fmtMs(f.trainingP95)} | ${fmtMs(f.cellP95)} (${fmtMs(f.baselineCellP95)}, ${(f.cellP95 / f.baselineCellP95).toFixed(1)}x) | ${f.errors} | ` +
      `${f.perLearnerRssMb.toFixed(0)} MB (${f.perLearnerPssMb.toFixed(0)} MB), ${f.perLearnerPeakMb.toFixed(0)} MB${f.restarted ? ` (understated: ${f.restarted} kernels restarted)` : ""} | ${f.kernelRssMb.toFixed(0)} MB | ${(f.peakMb / 1024).toFixed(1)} GB | ${f.wallS.toFixed(0)} s |`,
  );
}
const clean = figures.filter((f) => f.restarted === 0);
if (clean.length >= 2) {
  const [low, high] = [clean[0], clean[clean.length - 1]];
  if (high.learners !== low.learners) {
    const marginal = (high.stackAfterMb - low.stackAfterMb) / (high.learners - low.learners);
    console.log(`marginal memory per extra learner (stack RSS after, N=${low.learners} -> ${high.learners}): ${marginal.toFixed(0)} MB`);
  }
}
const failed = figures.filter((f) => f.errors > 0);
if (failed.length) {
  console.log(`errors at N = ${failed.map((f) => f.learners).join(", ")}: see above`);
  process.exitCode = 1;
}
