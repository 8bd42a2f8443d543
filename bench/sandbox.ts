// bench/sandbox: what the learner-code sandbox costs.
//   figure:   a classroom course with COURSE_SANDBOX=on (kernels, model servers and the Checks'
//             Python helpers in bubblewrap, one cgroup and network namespace per learner)
//   baseline: the same classroom course with COURSE_SANDBOX=off, started in the same run right
//             after it and kept up alongside; measurements alternate between the two courses so
//             that they share the machine's noise.
//   1. kernel start: the first print(1) of K=5 fresh learners (kernel start + first run), median;
//      ON-OFF difference (target: at most +500 ms)
//   2. cell round trip: 50 runs of print(1) on a warm kernel after 5 warm-ups, median / p95;
//      ON/OFF ratio (target: at most 1.10x)
//   3. model-server start: POST /api/model-server to state "ready" for models:/IrisModel/Staging
//      (registered from a cell), 3 times, median
//   4. Check latency: 5 Checks of model-serving (its Python helper loads the learner's model:
//      sandboxed when ON) and 5 of tracking-example, median each
//   5. memory per learner: summed RSS of every process of a warm learner's kernel (3 learners),
//      median; for ON also what bubblewrap, socat, sh, setpriv and nsenter hold
//   6. fairness, ON only (each learner's cgroup has an equal CPU share): 12 "victim" learners whose
//      tracking-example Check passes measure print(1) round trips and Checks in blocks, idle and
//      loaded in turn (2 of each per case, so drift falls on both), loaded meaning 2 s after other
//      learners started a spinner (while True: pass) with a flooder (endless output), then the
//      spinner with a fork bomb, then a thread a cell left spinning (its cell ended) with the
//      flooder; median change per case (target: at most +20%). The loads are interrupted (and
//      restarted when that does not end them, or always for the bomb and the thread) after each block.
// Everything goes through the app's HTTP routes as a browser would (site Origin, one cookie per
// learner). Real MLflow (1 worker), Jupyter and the built site, temp folders, free ports.
//   npx tsx bench/sandbox.ts [runs=50] [--fairness-only]   (--fairness-only: the ON course and section 6 alone)
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { lessonProgram } from "../server/lessons/lesson-catalog";
import { isPortFree } from "../server/net/free-port";
import { STAGE_IRIS_MODEL_CELL } from "../server/testing/cell-snippets";
import { learnerCgroupDir, sandboxedProcesses } from "../server/testing/learner-cgroups";
import { cookiesFrom, rawRequest, type RawResponse } from "../server/testing/raw-http";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { waitUntilIdle } from "./idle";
import { summarize } from "./stats";

const fairnessOnly = process.argv.includes("--fairness-only");
const runsArgument = process.argv.slice(2).find((argument) => !argument.startsWith("--"));
const runs = Number(runsArgument ?? 50);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`runs must be a whole number from 1 (got "${runsArgument}")`);
  process.exit(2);
}
const K = 5;
const WARMUPS = 5;
const STARTS = 3;
const CHECKS = 5;
const MEMORY_LEARNERS = 3;
const PASSWORD = "bench-secret";
const MODEL_URI = "models:/IrisModel/Staging";
/** Learners whose round trips and Checks are measured in the fairness section (more learners: more Checks within the route's limit). */
const VICTIMS = 12;
/** Per block, each victim's print(1) runs (interleaved across victims) and Checks. */
const TRIPS_PER_VICTIM = 5;
/** Idle and loaded blocks alternate, this many pairs per case, so that drift falls on both alike. */
const FAIR_ROUNDS = 2;
const LOAD_SETTLE_MS = 2000;
/** The Check route allows 6 a minute per learner: the victims' Checks leave that window between cases. */
const CHECK_WINDOW_MS = 61_000;
/** How long an interrupted or restarted load may take to end its cell. */
const STOP_GRACE_MS = 10_000;
const SPIN = "while True: pass";
/** A spinner its cell leaves behind: the cell ends at once, the thread spins on until the kernel restarts. */
const SPIN_THREAD = "import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin, daemon=True).start()";
const FLOOD = "import sys\nwhile True:\n    sys.stdout.write('x' * 1000 + '\\n')";
const FORK_BOMB = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass";
/** Processes the sandbox adds around a learner's kernel (and model server). */
const SANDBOX_TOOLS = new Set(["bwrap", "socat", "sh", "setpriv", "nsenter"]);

type Side = { label: "ON" | "OFF"; course: TempCourse; site: string; classCode: string };
type Learner = { side: Side; name: string; id: string; cookie: string };
type CellResult = { ms: number; stdout: string; stderr: string; error?: string; notice?: string; status: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const median = (values: number[]) => summarize(values).median;
const loadAverage = () => os.loadavg()[0].toFixed(2);

// ---------- HTTP: every answer's status is checked ----------

async function call(side: Side, method: string, route: string, cookie: string, body?: unknown, expected = 200): Promise<RawResponse> {
  const headers: Record<string, string> = { origin: side.site, "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  const response = await rawRequest(side.site, { method, path: route, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status !== expected) {
    throw new Error(`${side.label}: ${method} ${route} answered HTTP ${response.status} (expected ${expected}): ${response.text.slice(0, 2000)}`);
  }
  return response;
}

async function openSide(label: Side["label"], course: TempCourse): Promise<{ side: Side; instructor: string }> {
  const side: Side = { label, course, site: `http://127.0.0.1:${course.config.site.port}`, classCode: "" };
  const wanted = label === "ON";
  if (course.config.sandbox.enabled !== wanted) throw new Error(`${label}: the course runs with sandbox.enabled = ${course.config.sandbox.enabled}`);
  const signIn = await call(side, "POST", "/api/session/instructor", "", { password: PASSWORD });
  const instructor = cookiesFrom(signIn);
  if (!instructor) throw new Error(`${label}: the instructor sign-in set no cookie: ${signIn.text.slice(0, 500)}`);
  const overview = await call(side, "GET", "/api/instructor/class", instructor);
  side.classCode = overview.json?.classCode;
  if (!side.classCode) throw new Error(`${label}: no classCode in /api/instructor/class: ${overview.text.slice(0, 500)}`);
  return { side, instructor };
}

async function join(side: Side, name: string): Promise<Learner> {
  const joined = await call(side, "POST", "/api/session/join", "", { classCode: side.classCode, displayName: name });
  const cookie = cookiesFrom(joined);
  const id = joined.json?.learner?.id;
  if (!cookie || !id) throw new Error(`${side.label}: joining as ${name} gave no cookie or learner id: ${joined.text.slice(0, 500)}`);
  return { side, name, id, cookie };
}

async function runCell(learner: Learner, code: string, lesson = "tracking-example", cellId = "load-data"): Promise<CellResult> {
  const started = performance.now();
  const response = await call(learner.side, "POST", "/api/cells/run", learner.cookie, { lesson, cellId, code });
  const ms = performance.now() - started;
  const result: CellResult = { ms, stdout: "", stderr: "", status: "no done event" };
  for (const line of response.text.split("\n")) {
    if (!line.trim()) continue;
    let event: { type?: string; name?: string; text?: string; ename?: string; evalue?: string; status?: string };
    try {
      event = JSON.parse(line);
    } catch {
      throw new Error(`${learner.side.label}: /api/cells/run sent a line that is not JSON: ${line.slice(0, 300)}`);
    }
    if (event.type === "stream") result[event.name === "stderr" ? "stderr" : "stdout"] += event.text ?? "";
    if (event.type === "error") result.error = `${event.ename}: ${event.evalue}`;
    if (event.type === "notice") result.notice = `${result.notice ?? ""}${event.text ?? ""}`;
    if (event.type === "done") result.status = event.status ?? "done without status";
  }
  return result;
}

/** Runs a cell that must end "ok" and print `expect`. */
async function runOk(learner: Learner, code: string, expect: string, what: string, lesson?: string, cellId?: string): Promise<CellResult> {
  const result = await runCell(learner, code, lesson, cellId);
  if (result.status !== "ok" || !result.stdout.includes(expect)) {
    const { ms: _ms, ...shown } = result;
    throw new Error(`${learner.side.label}: ${what} for ${learner.name} ended "${result.status}" without "${expect}" in its output: ${JSON.stringify(shown).slice(0, 3000)}`);
  }
  return result;
}

/** Runs every cell of a lesson in order, as the learner; each must end "ok". */
async function runLesson(learner: Learner, lesson: string, program: Array<{ id: string; code: string }>): Promise<void> {
  for (const cell of program) {
    const result = await runCell(learner, cell.code, lesson, cell.id);
    if (result.status !== "ok") throw new Error(`${learner.side.label}: ${lesson} cell ${cell.id} ended "${result.status}": ${result.error ?? ""} ${result.notice ?? ""} ${result.stderr.slice(-1000)}`);
  }
}

// ---------- loads for the fairness figure: cells started without waiting ----------

type LoadEnd = { status: string; bytes: number; notices: string[]; ms: number };
type Load = { learner: Learner; what: string; ended: Promise<LoadEnd>; isOver: () => boolean; drop: () => void };

/**
 * Starts a cell and returns at once. Its answer is read as it comes and thrown away (only the
 * notices, the final status and the byte count are kept), so a flood never piles up here.
 * `ended` never rejects: a failed request ends with its reason as the status.
 */
function startLoad(learner: Learner, what: string, code: string): Load {
  const { side } = learner;
  const { hostname, port } = new URL(side.site);
  const body = JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code });
  const started = performance.now();
  const end: LoadEnd = { status: "no done event", bytes: 0, notices: [], ms: 0 };
  let httpStatus = 0;
  let over = false;
  let request: http.ClientRequest | undefined;
  const ended = new Promise<LoadEnd>((resolve) => {
    const finish = (status?: string) => {
      if (over) return;
      over = true;
      if (status) end.status = status;
      end.ms = performance.now() - started;
      resolve(end);
    };
    const take = (line: string) => {
      if (!line.trim()) return;
      if (httpStatus !== 200) return void end.notices.push(line.slice(0, 500));
      try {
        const event = JSON.parse(line) as { type?: string; text?: string; status?: string };
        if (event.type === "notice") end.notices.push(event.text ?? "");
        if (event.type === "done") end.status = event.status ?? "done without status";
      } catch {
        end.notices.push(`a line that is not JSON: ${line.slice(0, 200)}`);
      }
    };
    const headers = { origin: side.site, "content-type": "application/json", cookie: learner.cookie, "content-length": String(Buffer.byteLength(body)) };
    request = http.request({ host: hostname, port, method: "POST", path: "/api/cells/run", headers, agent: false }, (response) => {
      httpStatus = response.statusCode ?? 0;
      if (httpStatus !== 200) end.status = `HTTP ${httpStatus}`;
      const decoder = new StringDecoder("utf8");
      let partial = "";
      response.on("data", (chunk: Buffer) => {
        end.bytes += chunk.length;
        const lines = (partial + decoder.write(chunk)).split("\n");
        partial = lines.pop() ?? "";
        lines.forEach(take);
      });
      response.on("end", () => {
        take(partial + decoder.end());
        finish();
      });
      response.on("error", (error) => finish(`answer broke off: ${error.message}`));
      response.on("close", () => finish(`answer closed before its end (${end.status})`));
    });
    request.on("error", (error) => finish(`request failed: ${error.message}`));
    request.end(body);
  });
  return { learner, what, ended, isOver: () => over, drop: () => request?.destroy() };
}

/** POST /api/kernel for a learner; its HTTP status (409: nothing to interrupt). */
async function kernelAction(learner: Learner, action: "interrupt" | "restart"): Promise<number> {
  const { side } = learner;
  const headers = { origin: side.site, "content-type": "application/json", cookie: learner.cookie };
  return (await rawRequest(side.site, { method: "POST", path: "/api/kernel", headers, body: JSON.stringify({ action }) })).status;
}

const endsWithin = (load: Load, ms: number) => Promise.race([load.ended.then(() => true), sleep(ms).then(() => false)]);

/**
 * Ends a load: interrupt, then restart when the cell still runs (or always, with `restart`), then
 * drops the request if even that did not end it. Returns what happened, for the report.
 */
async function stopLoad(load: Load, restart = false): Promise<string> {
  const steps: string[] = [];
  if (!load.isOver()) {
    steps.push(`interrupt HTTP ${await kernelAction(load.learner, "interrupt")}`);
    await endsWithin(load, STOP_GRACE_MS);
  }
  if (restart || !load.isOver()) {
    const began = performance.now();
    steps.push(`restart HTTP ${await kernelAction(load.learner, "restart")} in ${fmtMs(performance.now() - began)}`);
    await endsWithin(load, STOP_GRACE_MS);
  }
  if (!load.isOver()) {
    steps.push("request dropped");
    load.drop();
  }
  const end = await load.ended;
  const notices = [...new Set(end.notices)].map((text) => `"${text.slice(0, 160)}"`);
  return `${load.what} ended "${end.status}" after ${fmtMs(end.ms)} (${steps.join(", ") || "ended by itself"}); ${(end.bytes / 1e6).toFixed(2)} MB answered${notices.length ? `; notices: ${notices.join(" ")}` : ""}`;
}

async function startModelServer(learner: Learner, port: number): Promise<number> {
  const { side } = learner;
  const started = performance.now();
  let view = (await call(side, "POST", "/api/model-server", learner.cookie, { modelUri: MODEL_URI, port })).json;
  while (view?.state === "starting") {
    if (performance.now() - started > 180_000) throw new Error(`${side.label}: the model server was still starting after 180 s:\n${(view.log ?? []).slice(-30).join("\n")}`);
    await sleep(200);
    view = (await call(side, "GET", "/api/model-server", learner.cookie)).json;
  }
  if (view?.state !== "ready") {
    throw new Error(`${side.label}: the model server ended "${view?.state}": ${view?.reason ?? "(no reason)"}\nlast log lines:\n${(view?.log ?? []).slice(-30).join("\n")}`);
  }
  return performance.now() - started;
}

type CheckTiming = { ms: number; status: string; notPassed: string[] };

async function check(learner: Learner, exercise: string): Promise<CheckTiming> {
  const started = performance.now();
  const response = await call(learner.side, "POST", `/api/exercises/${exercise}/check`, learner.cookie, {});
  const ms = performance.now() - started;
  const report = response.json?.report as { status: string; checks: Array<{ id: string; status: string; message: string }> } | undefined;
  if (!report) throw new Error(`${learner.side.label}: the ${exercise} Check answered without a report: ${response.text.slice(0, 1000)}`);
  return { ms, status: report.status, notPassed: report.checks.filter((c) => c.status !== "passed").map((c) => `${c.id} ${c.status}: ${c.message}`) };
}

// ---------- memory: the processes of one learner's kernel, from /proc ----------

function pids(): number[] {
  return fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // the process ended while we looked
  }
}

function statOf(pid: number): { ppid: number; comm: string } | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  // Fields after the command name (which may hold spaces): state ppid ...
  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  return { ppid, comm };
}

function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) : 0;
}

/** OFF: the learner's kernel (python/course_kernel.py) (working in their folder) and its descendants. */
function plainKernelProcesses(rootDir: string, learnerId: string): number[] {
  const folder = path.join(rootDir, learnerId);
  const wanted = new Set([folder, fs.existsSync(folder) ? fs.realpathSync(folder) : folder]);
  const all = pids();
  const kernels = all.filter((pid) => {
    if (!(read(`/proc/${pid}/cmdline`) ?? "").includes("course_kernel.py")) return false;
    try {
      return wanted.has(fs.readlinkSync(`/proc/${pid}/cwd`));
    } catch {
      return false;
    }
  });
  const children = new Map<number, number[]>();
  for (const pid of all) {
    const stat = statOf(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree = [...kernels];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

type LearnerMemory = { totalKb: number; toolsKb: number; processes: string[]; kernels: number };

function learnerMemory(learner: Learner): LearnerMemory {
  const members = learner.side.label === "ON" ? sandboxedProcesses(learner.id) : plainKernelProcesses(learner.side.course.config.jupyter.rootDir, learner.id);
  let totalKb = 0;
  let toolsKb = 0;
  let kernels = 0;
  const processes: string[] = [];
  for (const pid of members) {
    const comm = statOf(pid)?.comm ?? "?";
    const rss = rssKb(pid);
    totalKb += rss;
    if (SANDBOX_TOOLS.has(comm)) toolsKb += rss;
    if ((read(`/proc/${pid}/cmdline`) ?? "").includes("course_kernel.py")) kernels++;
    processes.push(`${comm} ${fmtMb(rss)}`);
  }
  if (kernels === 0) throw new Error(`${learner.side.label}: found no ipykernel process for ${learner.name} (${learner.id}); processes found: ${processes.join(", ") || "none"}`);
  return { totalKb, toolsKb, processes, kernels };
}

/** "name value" for the first of `names` the folder holds, else "name ?". */
function cgroupSetting(dir: string | null, ...names: string[]): string {
  for (const name of names) {
    const value = dir ? read(path.join(dir, name)) : null;
    if (value !== null) return `${name} ${value.trim()}`;
  }
  return `${names[0]} ?`;
}

// ---------- fairness: what the victim measures ----------

type VictimFigures = { trips: CellResult[]; checks: CheckTiming[] };

/** One block: each victim's print(1) runs, interleaved across the victims, then one Check each. */
async function measureVictims(victims: Learner[]): Promise<VictimFigures> {
  const trips: CellResult[] = [];
  for (let i = 0; i < TRIPS_PER_VICTIM; i++) for (const victim of victims) trips.push(await runCell(victim, "print(1)"));
  const checks: CheckTiming[] = [];
  for (const victim of victims) checks.push(await check(victim, "tracking-example"));
  return { trips, checks };
}

/** What went wrong for the victim: runs of print(1) that did not end "ok" printing 1, Checks that did not pass. */
function victimProblems(trips: CellResult[], checks: CheckTiming[] = []): string {
  const badTrips = trips.filter((t) => t.status !== "ok" || t.stdout.trim() !== "1");
  const badChecks = checks.filter((c) => c.status !== "passed");
  return [
    ...(badTrips.length ? [`${badTrips.length} of ${trips.length} print(1) not ok (first: "${badTrips[0].status}" ${badTrips[0].error ?? ""} ${badTrips[0].notice ?? ""})`] : []),
    ...(badChecks.length ? [`${badChecks.length} of ${checks.length} Checks not passed (first: ${badChecks[0].status}: ${badChecks[0].notPassed.join(" | ").slice(0, 300)})`] : []),
  ]
    .map((problem) => `; ${problem}`)
    .join("");
}

// ---------- the run ----------

/** Sections 1-5: the OFF course started beside ON, and what the sandbox costs, measured alternately on both. */
async function sandboxCost(ON: Side, onReadyMs: number): Promise<void> {
  const began = performance.now();
  off = await startTempCourse(["mlflow", "jupyter", "site"], { ...classroom, COURSE_SANDBOX: "off" });
  const offReadyMs = performance.now() - began;
  console.log(`stacks ready: ON ${fmtMs(onReadyMs)}, OFF ${fmtMs(offReadyMs)} (MLflow 1 worker, Jupyter, built site)`);

  const OFF = (await openSide("OFF", off)).side;
  /** Alternates which course goes first, so neither always runs right after the other. */
  const order = (i: number): [Side, Side] => (i % 2 === 0 ? [ON, OFF] : [OFF, ON]);

  const learners = new Map<Side, Learner[]>([
    [ON, []],
    [OFF, []],
  ]);
  for (let i = 0; i < K; i++) for (const side of order(i)) learners.get(side)!.push(await join(side, `Learner ${i + 1}`));
  const of = (side: Side, i: number) => learners.get(side)![i];

  // 1. kernel start: each fresh learner's first print(1) starts their kernel.
  const cold = new Map<Side, number[]>([
    [ON, []],
    [OFF, []],
  ]);
  for (let i = 0; i < K; i++) {
    for (const side of order(i)) cold.get(side)!.push((await runOk(of(side, i), "print(1)", "1", "first print(1)")).ms);
  }

  // 2. cell round trip on learner 1's warm kernel, once every kernel has done its start-up imports.
  await waitUntilIdle();
  for (let i = 0; i < WARMUPS; i++) for (const side of order(i)) await runOk(of(side, 0), "print(1)", "1", "warm-up print(1)");
  const trips = new Map<Side, number[]>([
    [ON, []],
    [OFF, []],
  ]);
  for (let i = 0; i < runs; i++) for (const side of order(i)) trips.get(side)!.push((await runOk(of(side, 0), "print(1)", "1", "print(1)")).ms);

  // 5. memory, measured now (warm kernels that ran print(1) only); printed last.
  await sleep(1000);
  const memory = new Map<Side, LearnerMemory[]>();
  for (const side of [ON, OFF]) memory.set(side, Array.from({ length: MEMORY_LEARNERS }, (_, i) => learnerMemory(of(side, i))));

  // 3. model-server start, for learner 4 in each course, on the same port number.
  await waitUntilIdle();
  const serving = (side: Side) => of(side, 3);
  const range = OFF.course.config.modelServers.portRange;
  let port = Math.max(5050, range.min);
  while (port <= Math.min(5099, range.max) && !(await isPortFree(port))) port++;
  if (port > Math.min(5099, range.max)) throw new Error(`no free port from 5050 to 5099 within the course's range ${range.min}-${range.max}`);
  const registerMs = new Map<Side, number>();
  for (const side of [ON, OFF]) registerMs.set(side, (await runOk(serving(side), STAGE_IRIS_MODEL_CELL, "staged", "registering IrisModel")).ms);
  const starts = new Map<Side, number[]>([
    [ON, []],
    [OFF, []],
  ]);
  for (let i = 0; i < STARTS; i++) {
    for (const side of order(i)) {
      starts.get(side)!.push(await startModelServer(serving(side), port));
      // Stopped between starts; the last start of each stays up for the Checks.
      if (i < STARTS - 1) await call(side, "DELETE", "/api/model-server", serving(side).cookie);
    }
  }

  // 4. Checks: model-serving by the serving learner, tracking-example by learner 5 after running
  // the tracking-example lesson (so that Check passes). One learner per kind of Check, five
  // Checks each, under the route's limit of 6 a minute per learner.
  const program = lessonProgram(ON.course.config.projectRoot, "tracking-example");
  for (const side of [ON, OFF]) await runLesson(of(side, 4), "tracking-example", program);
  const checks = new Map<string, CheckTiming[]>();
  for (const [exercise, who] of [
    ["model-serving", 3],
    ["tracking-example", 4],
  ] as const) {
    for (let i = 0; i < CHECKS; i++) {
      for (const side of order(i)) {
        const key = `${side.label} ${exercise}`;
        checks.set(key, [...(checks.get(key) ?? []), await check(of(side, who), exercise)]);
      }
    }
  }
  for (const side of [ON, OFF]) await call(side, "DELETE", "/api/model-server", serving(side).cookie);

  // ---------- figures ----------
  console.log(`measured with machine load ${loadAverage()} at the end`);

  const [coldOn, coldOff] = [median(cold.get(ON)!), median(cold.get(OFF)!)];
  const list = (values: number[]) => values.map((v) => fmtMs(v)).join(", ");
  console.log(
    `1. kernel start (first print(1) of ${K} fresh learners: start + first run), median: ON ${fmtMs(coldOn)}, OFF ${fmtMs(coldOff)}; ` +
      `ON-OFF ${coldOn - coldOff >= 0 ? "+" : ""}${fmtMs(coldOn - coldOff)} (target: at most +500 ms); ratio ${(coldOn / coldOff).toFixed(2)}x`,
  );
  console.log(`   each: ON ${list(cold.get(ON)!)}; OFF ${list(cold.get(OFF)!)}`);

  const [tripOn, tripOff] = [summarize(trips.get(ON)!), summarize(trips.get(OFF)!)];
  console.log(
    `2. cell round trip (${runs} x print(1), warm kernel, after ${WARMUPS} warm-ups): ON median ${fmtMs(tripOn.median)} / p95 ${fmtMs(tripOn.p95)}, ` +
      `OFF median ${fmtMs(tripOff.median)} / p95 ${fmtMs(tripOff.p95)}; ON/OFF ${(tripOn.median / tripOff.median).toFixed(2)}x at the median ` +
      `(target: at most 1.10x), ${(tripOn.p95 / tripOff.p95).toFixed(2)}x at p95; ON adds ${fmtMs(tripOn.median - tripOff.median)}`,
  );

  const [startOn, startOff] = [median(starts.get(ON)!), median(starts.get(OFF)!)];
  console.log(
    `3. model-server start (POST /api/model-server to "ready", polled every 200 ms, port ${port}, ${STARTS} starts), median: ` +
      `ON ${fmtMs(startOn)}, OFF ${fmtMs(startOff)}; ON-OFF ${startOn - startOff >= 0 ? "+" : ""}${fmtMs(startOn - startOff)}; ratio ${(startOn / startOff).toFixed(2)}x`,
  );
  console.log(`   each: ON ${list(starts.get(ON)!)}; OFF ${list(starts.get(OFF)!)} (registering the model from a cell took ON ${fmtMs(registerMs.get(ON)!)}, OFF ${fmtMs(registerMs.get(OFF)!)})`);

  console.log(`4. Check latency (${CHECKS} Checks each; one learner per kind of Check, ${CHECKS} in a row, within the route's 6 a minute per learner), median:`);
  for (const exercise of ["model-serving", "tracking-example"]) {
    const [cOn, cOff] = [checks.get(`ON ${exercise}`)!, checks.get(`OFF ${exercise}`)!];
    const [mOn, mOff] = [median(cOn.map((c) => c.ms)), median(cOff.map((c) => c.ms))];
    const statuses = (timings: CheckTiming[]) => [...new Set(timings.map((t) => t.status))].join("/");
    console.log(
      `   ${exercise.padEnd(16)} ON ${fmtMs(mOn)}, OFF ${fmtMs(mOff)}; ON-OFF ${mOn - mOff >= 0 ? "+" : ""}${fmtMs(mOn - mOff)}; ratio ${(mOn / mOff).toFixed(2)}x ` +
        `(reports: ON ${statuses(cOn)}, OFF ${statuses(cOff)}; each ON ${list(cOn.map((c) => c.ms))}; OFF ${list(cOff.map((c) => c.ms))})`,
    );
    for (const timing of [...cOn, ...cOff].filter((t) => t.status !== "passed").slice(0, 2)) console.log(`     not passed: ${timing.notPassed.join(" | ").slice(0, 600)}`);
  }

  const [memOn, memOff] = [memory.get(ON)!, memory.get(OFF)!];
  const mOn = median(memOn.map((m) => m.totalKb));
  const mOff = median(memOff.map((m) => m.totalKb));
  console.log(
    `5. memory per learner (summed RSS of the processes of a warm kernel that ran print(1), ${MEMORY_LEARNERS} learners), median: ` +
      `ON ${fmtMb(mOn)}, OFF ${fmtMb(mOff)}; ON-OFF ${mOn - mOff >= 0 ? "+" : ""}${fmtMb(mOn - mOff)}; ratio ${(mOn / mOff).toFixed(2)}x; ` +
      `ON's bwrap/socat/sh/setpriv/nsenter: ${fmtMb(median(memOn.map((m) => m.toolsKb)))} (median)`,
  );
  console.log(`   each: ON ${memOn.map((m) => fmtMb(m.totalKb)).join(", ")}; OFF ${memOff.map((m) => fmtMb(m.totalKb)).join(", ")}`);
  console.log(`   processes of ON's learner 1: ${memOn[0].processes.join(", ")}`);
  console.log(`   processes of OFF's learner 1: ${memOff[0].processes.join(", ")}`);
}

let on: TempCourse | undefined;
let off: TempCourse | undefined;
const onSignal = () => {
  void Promise.allSettled([on?.stop(), off?.stop()]).finally(() => process.exit(130));
};
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

const classroom = { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: PASSWORD, DATABASE_URL: "" };

try {
  console.log(
    `bench/sandbox: classroom course with the sandbox ON vs OFF, side by side; ${new Date().toISOString()}; ` +
      `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.versions.node}; machine load ${loadAverage()}`,
  );
  // One after the other, not in parallel; both stay up for the whole run.
  const began = performance.now();
  on = await startTempCourse(["mlflow", "jupyter", "site"], { ...classroom, COURSE_SANDBOX: "on" });
  const onReadyMs = performance.now() - began;
  const ON = (await openSide("ON", on)).side;
  if (!fairnessOnly) await sandboxCost(ON, onReadyMs);

  // 6. fairness, in the ON course only: can one learner's load slow other learners down?
  // The victims' kernels are warm from their lesson; the loads' kernels are warmed first, so no
  // kernel start falls into a case. Within a case, idle and loaded blocks alternate.
  const program = lessonProgram(ON.course.config.projectRoot, "tracking-example");
  const victims: Learner[] = [];
  for (let i = 0; i < VICTIMS; i++) {
    const victim = await join(ON, `Victim ${i + 1}`);
    await runLesson(victim, "tracking-example", program);
    victims.push(victim);
  }
  const [spinner, flooder, bomber, threader] = [await join(ON, "Spinner"), await join(ON, "Flooder"), await join(ON, "Bomber"), await join(ON, "Threader")];
  for (const learner of [spinner, flooder, bomber, threader]) await runOk(learner, "print(1)", "1", "warm-up print(1)");
  const pidsDir = new Map([spinner, flooder, bomber, threader].map((learner) => [learner, learnerCgroupDir(learner.id, "pids")]));
  const processCount = (learner: Learner) => read(path.join(pidsDir.get(learner) ?? "/nonexistent", "pids.current"))?.trim() ?? "?";
  const victimCpu = cgroupSetting(learnerCgroupDir(victims[0].id, "cpu"), "cpu.shares", "cpu.weight");
  const bomberPids = cgroupSetting(pidsDir.get(bomber) ?? null, "pids.max");
  await waitUntilIdle();
  const fairLoad = loadAverage();

  const cases = [
    { name: "spinner + flooder", loads: [[spinner, "spinner", SPIN], [flooder, "flooder", FLOOD]] },
    { name: "spinner + fork bomb", loads: [[spinner, "spinner", SPIN], [bomber, "fork bomb", FORK_BOMB]] },
    { name: "left thread + flooder", loads: [[threader, "spinning thread", SPIN_THREAD], [flooder, "flooder", FLOOD]] },
  ] as const;
  const results: Array<{ name: string; idle: VictimFigures[]; loaded: VictimFigures[]; stops: string[]; processes: string[] }> = [];
  let windowOpensAt = 0;
  for (const { name, loads } of cases) {
    // Each victim's Checks of the previous case first leave the route's one-minute window.
    await sleep(Math.max(0, windowOpensAt - performance.now()));
    windowOpensAt = performance.now() + CHECK_WINDOW_MS;
    const result = { name, idle: [] as VictimFigures[], loaded: [] as VictimFigures[], stops: [] as string[], processes: [] as string[] };
    for (let round = 0; round < FAIR_ROUNDS; round++) {
      // Idle: nothing of the loads left running (a restarted kernel starts quietly first).
      await waitUntilIdle();
      result.idle.push(await measureVictims(victims));
      const started = loads.map(([learner, what, code]) => startLoad(learner, what, code));
      try {
        await sleep(LOAD_SETTLE_MS);
        const before = started.map((load) => processCount(load.learner));
        result.loaded.push(await measureVictims(victims));
        result.processes.push(...started.map((load, i) => `${load.what} ${before[i]} -> ${processCount(load.learner)}`));
      } finally {
        for (const load of started) result.stops.push(await stopLoad(load, load.learner === bomber || load.learner === threader));
      }
    }
    results.push(result);
  }

  const trips = (blocks: VictimFigures[]) => summarize(blocks.flatMap((block) => block.trips.map((t) => t.ms)));
  const checks = (blocks: VictimFigures[]) => summarize(blocks.flatMap((block) => block.checks.map((c) => c.ms)));
  const problems = (blocks: VictimFigures[]) => victimProblems(blocks.flatMap((b) => b.trips), blocks.flatMap((b) => b.checks));
  const change = (value: number, idleValue: number) => `${value >= idleValue ? "+" : ""}${((value / idleValue - 1) * 100).toFixed(0)}%`;
  const perBlock = (blocks: VictimFigures[]) => blocks.map((block) => `${fmtMs(median(block.trips.map((t) => t.ms)))} / ${fmtMs(median(block.checks.map((c) => c.ms)))}`).join(", ");
  console.log(
    `6. fairness (ON only; machine load ${fairLoad} before; a victim's cgroup: ${victimCpu}; the bomber's: ${bomberPids}): ${VICTIMS} victims, ` +
      `${FAIR_ROUNDS} idle and ${FAIR_ROUNDS} loaded blocks in turn per case, each block ${TRIPS_PER_VICTIM} x print(1) and one tracking-example Check per victim ` +
      `(loaded: from ${LOAD_SETTLE_MS / 1000} s after the loads started); medians, loaded vs the same case's idle blocks (target: at most +20%):`,
  );
  for (const { name, idle, loaded, stops, processes } of results) {
    const [idleTrip, loadTrip, idleCheck, loadCheck] = [trips(idle), trips(loaded), checks(idle), checks(loaded)];
    console.log(
      `   ${name.padEnd(20)} round trip ${fmtMs(idleTrip.median)} -> ${fmtMs(loadTrip.median)} (${change(loadTrip.median, idleTrip.median)}; p95 ${fmtMs(idleTrip.p95)} -> ${fmtMs(loadTrip.p95)}); ` +
        `Check ${fmtMs(idleCheck.median)} -> ${fmtMs(loadCheck.median)} (${change(loadCheck.median, idleCheck.median)}; ${loadCheck.n} Checks)${problems([...idle, ...loaded])}`,
    );
    console.log(`     each block's medians, round trip / Check: idle ${perBlock(idle)}; loaded ${perBlock(loaded)}`);
    console.log(`     processes in the loads' cgroups (before -> after the victims measured): ${processes.join(", ")}`);
    for (const stop of stops) console.log(`     ${stop}`);
  }
} finally {
  process.removeListener("SIGINT", onSignal);
  process.removeListener("SIGTERM", onSignal);
  for (const [label, course] of [
    ["ON", on],
    ["OFF", off],
  ] as const) {
    try {
      await course?.stop();
    } catch (error) {
      console.error(`stopping the ${label} course failed: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
}
