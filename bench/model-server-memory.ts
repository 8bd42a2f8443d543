// bench/model-server-memory: what one learner's Serve-panel model server costs, and how soon it answers.
//   figure:   N learners of a classroom course (sandbox on; as root, so with the kernel forker),
//             each with their kernel (which staged the model, as lessons 4 and 5 do), each start a
//             model server of models:/IrisModel/Staging on the lessons' port 5050, one after the
//             other on an otherwise idle machine, the course's way (course_scoring_server.py: a fork
//             of the kernel forker where it runs). Per server: Start (the manager's start) to ready
//             (its /ping answered, as the Serve panel shows), and PSS: the sum of Pss
//             (/proc/<pid>/smaps_rollup) over every process of its sandbox (launcher, bubblewrap,
//             holder, bridges, the server) once all N serve and each has answered a few requests.
//   baseline: the same N servers the way the course started them before: `mlflow models serve -m
//             ... --env-manager local` through the same launcher and sandbox, in the same run.
//   also:     the course's way without a forker to ask (its socket hidden meanwhile): the same
//             script inside bubblewrap, as without root, with the forker off or down, or on a gateway.
//   Printed: median and max of both figures for both ways, their ratio, PSS per kind of
//   process, each server's private memory (pages no other process maps: what stopping it frees,
//   whatever the number of processes sharing the rest), and the kernel forker's own PSS (shared by
//   every kernel and server forked from it).
//   npx tsx bench/model-server-memory.ts [learners=6]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ProcessSpec } from "../lib/process/launch";
import { allowListedEnv } from "../lib/process/child-env";
import { chooseLauncher } from "../server/launchers/choose-launcher";
import { kernelForkerSocket, usesKernelForker } from "../server/launchers/kernel-specs";
import { modelServerLaunching } from "../server/model-servers/launching";
import { ModelServerManager, type ModelServerLaunching } from "../server/model-servers/model-server-manager";
import { sandboxNetnsPrefix } from "../server/sandbox/launch-description";
import { sandboxedCommand } from "../server/sandbox/sandboxed-process";
import { learnerToken } from "../server/identity/learner-token";
import { loadSessionSecret } from "../server/identity/secrets";
import { STAGE_IRIS_MODEL_CELL } from "../server/testing/cell-snippets";
import { learnerNetNamespace, machineProcesses, memoryKb, modelServerProcesses, roleOf } from "../server/testing/model-server-processes";
import { joinClass, rawRequest, runCellAs, signInAsInstructor } from "../server/testing/raw-http";
import { startTempCourse } from "../server/testing/temp-course";
import { waitUntilIdle } from "./idle";

const learners = Number(process.argv[2] ?? 6);
const PASSWORD = "bench";
const MODEL = "models:/IrisModel/Staging";
const PORT = 5050;
const ROWS = JSON.stringify({ inputs: [[6.0, 2.2, 5.0, 1.5], [5.7, 2.9, 4.2, 1.3]] });

type Learner = { id: string; workspace: string };
type Measured = { readyMs: number[]; pssKb: number[]; privateKb: number[]; byRole: Map<string, number[]>; leftBehind: number };

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const max = (values: number[]) => Math.max(...values);

if (!Number.isInteger(learners) || learners < 1 || learners > 30) {
  console.error("usage: npx tsx bench/model-server-memory.ts [learners=6] (1 to 30)");
  process.exit(2);
}

const course = await startTempCourse(["mlflow", "jupyter", "site"], {
  COURSE_MODE: "classroom",
  COURSE_INSTRUCTOR_PASSWORD: PASSWORD,
  COURSE_SANDBOX: "on",
  DATABASE_URL: "",
});
const site = `http://127.0.0.1:${course.config.site.port}`;
// Interrupted, it still stops the course it started (its sandboxes, namespaces and services).
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void course.stop().finally(() => process.exit(130)));
const load = () => `load average ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}`;

try {
  const config = course.config;
  console.log(`bench/model-server-memory: ${learners} learners, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${new Date().toISOString()}`);
  console.log(`kernel forker: ${usesKernelForker(config) ? `on (${kernelForkerSocket(config)})` : "off (not root, or COURSE_KERNEL_FORKER=off): the course's way is the plain entry inside bubblewrap"}`);
  const instructor = await signInAsInstructor(site, PASSWORD);
  const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode as string;
  const people: Learner[] = [];
  for (let i = 0; i < learners; i++) {
    const { cookie, id } = await joinClass(site, classCode, `Learner ${i + 1}`);
    const staged = await runCellAs(site, cookie, STAGE_IRIS_MODEL_CELL);
    if (!staged.stdout.includes("staged")) throw new Error(`staging the model failed for ${id}: ${staged.all.slice(-800)}`);
    const workspace = (await rawRequest(site, { path: "/mlflow/api/3.0/mlflow/workspaces", headers: { cookie } })).json.workspaces[0].name as string;
    people.push({ id, workspace });
  }
  console.log(`${learners} learners joined, each staged IrisModel from their kernel; waiting for an idle machine`);

  const secret = loadSessionSecret(course.dataDir);
  const launcher = chooseLauncher(config);
  const courseWay = modelServerLaunching(launcher, (id) => learnerToken(secret, id));
  // As the course started model servers before: `mlflow models serve` through the same launcher and sandbox.
  const cliWay: ModelServerLaunching = {
    ...courseWay,
    command: (id, spec, port) => sandboxedCommand(config, { id, gateToken: learnerToken(secret, id) }, mlflowModelsServe(spec, port), { network: "learner", cgroup: "learner", servePort: port }),
  };
  const netnsPrefix = sandboxNetnsPrefix(config);

  const CLI = "mlflow models serve";
  const FORKED = "course_scoring_server.py, forked";
  const PLAIN = "course_scoring_server.py in bubblewrap (no forker)";
  const results = new Map<string, Measured>();
  for (const [name, launching] of [
    [CLI, cliWay],
    [FORKED, courseWay],
    [PLAIN, courseWay],
  ] as const) {
    await waitUntilIdle();
    // The course's way where no forker answers (not root, forker off or down, kernels on a gateway): its socket out of sight meanwhile.
    const socket = kernelForkerSocket(config);
    if (name === PLAIN) fs.renameSync(socket, `${socket}.away`);
    try {
      results.set(name, await measure(name, launching));
    } finally {
      if (name === PLAIN) fs.renameSync(`${socket}.away`, socket);
    }
  }

  // The forker runs as root; its forks as the sandbox's user.
  const forker = machineProcesses().find((p) => p.command.includes("kernel_forker.py") && p.command.includes(course.dataDir) && p.uid === 0);
  const old = results.get(CLI)!;
  const now = results.get(FORKED)!;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n== summary: ${learners} model servers each way ==`);
  for (const [name, r] of results) {
    const ratios = r === old ? "" : `   (${(median(old.readyMs) / median(r.readyMs)).toFixed(1)}x sooner, ${(median(old.pssKb) / median(r.pssKb)).toFixed(1)}x less PSS)`;
    console.log(`${name.padEnd(52)} Start to ready median ${seconds(median(r.readyMs))}, max ${seconds(max(r.readyMs))}; PSS median ${mb(median(r.pssKb))}, max ${mb(max(r.pssKb))}; private median ${mb(median(r.privateKb))}${ratios}`);
  }
  if (forker) console.log(`kernel forker (pid ${forker.pid}): PSS ${mb(memoryKb(forker.pid).pss)}, shared with the ${learners} kernels and, forked, the ${learners} servers`);
  console.log(`targets, forked: at most 80 MB PSS per server (${max(now.pssKb) <= 80 * 1024 ? "met" : "NOT met"}), ready within 2 s (${max(now.readyMs) <= 2000 ? "met" : median(now.readyMs) <= 2000 ? "met at the median, not at the max" : "NOT met"})`);
  const leftBehind = [...results.values()].reduce((sum, r) => sum + r.leftBehind, 0);
  if (leftBehind > 0) console.log(`PROBLEM: ${leftBehind} processes outlived their stopped servers`);

  async function measure(name: string, launching: ModelServerLaunching): Promise<Measured> {
    console.log(`\n== ${name} (${load()}) ==`);
    const manager = new ModelServerManager({
      pythonBin: path.join(config.python.bin, "python"),
      scoringServer: path.join(config.projectRoot, "python", "course_scoring_server.py"),
      mlflowUrl: config.mlflow.url,
      baseEnv: allowListedEnv(process.env),
      portRange: config.modelServers.portRange,
      idleTimeoutMs: 3_600_000,
      readyTimeoutMs: 180_000,
      workdirFor: (id) => path.join(config.jupyter.rootDir, id),
      launching,
    });
    const readyMs: number[] = [];
    let measured: Omit<Measured, "leftBehind">;
    try {
      for (const learner of people) {
        const started = performance.now();
        await manager.start(learner.id, MODEL, PORT, { MLFLOW_WORKSPACE: learner.workspace });
        let state = "starting";
        while (state === "starting") {
          await new Promise((resolve) => setTimeout(resolve, 10));
          state = (await manager.status(learner.id))?.state ?? "missing";
        }
        if (state !== "ready") throw new Error(`${name} for ${learner.id} ended ${state}: ${(await manager.status(learner.id))?.log.slice(-15).join("\n")}`);
        readyMs.push(performance.now() - started);
        console.log(`${learner.id}: ready ${(readyMs.at(-1)! / 1000).toFixed(2)} s after Start`);
      }
      // Each server answers a few requests (a learner's lesson cells and playground), then the machine settles.
      for (const learner of people) {
        const url = await manager.readyUrl(learner.id);
        for (let i = 0; i < 5; i++) {
          const answer = await fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": "application/json" }, body: ROWS });
          if (!answer.ok) throw new Error(`${name} for ${learner.id} answered ${answer.status}: ${await answer.text()}`);
          await answer.text();
        }
      }
      await waitUntilIdle();
      const all = machineProcesses();
      const perServer: number[] = [];
      const privatePerServer: number[] = [];
      const byRole = new Map<string, number[]>();
      for (const learner of people) {
        const processes = modelServerProcesses(learnerNetNamespace(`${netnsPrefix}${learner.id}`));
        const roles = new Map<string, { pss: number; private: number }>();
        for (const p of processes) {
          const memory = memoryKb(p.pid);
          const role = roles.get(roleOf(p, all)) ?? { pss: 0, private: 0 };
          roles.set(roleOf(p, all), { pss: role.pss + memory.pss, private: role.private + memory.private });
        }
        for (const [role, kb] of roles) byRole.set(role, [...(byRole.get(role) ?? []), kb.pss]);
        perServer.push([...roles.values()].reduce((sum, kb) => sum + kb.pss, 0));
        privatePerServer.push([...roles.values()].reduce((sum, kb) => sum + kb.private, 0));
        console.log(`${learner.id}: PSS ${mb(perServer.at(-1)!)} (private ${mb(privatePerServer.at(-1)!)}) in ${processes.length} processes: ${[...roles].map(([role, kb]) => `${role} ${mb(kb.pss)} (${mb(kb.private)})`).join(", ")}`);
      }
      console.log(`per kind of process (median over servers): ${[...byRole].map(([role, kbs]) => `${role} ${mb(median(kbs))}`).join(", ")}`);
      measured = { readyMs, pssKb: perServer, privateKb: privatePerServer, byRole };
    } finally {
      await manager.stopAll();
      manager.dispose();
    }
    // A stopped server's whole sandbox goes with its launcher (the fork too: it lived in the sandbox's PID namespace).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const left = people.flatMap((learner) => modelServerProcesses(learnerNetNamespace(`${netnsPrefix}${learner.id}`)));
    if (left.length > 0) console.log(`left behind after stopping: ${left.map((p) => `${p.pid} ${p.command.slice(0, 80)}`).join("; ")}`);
    return { ...measured, leftBehind: left.length };
  }
} finally {
  await course.stop();
}

/** Today's command before this change, from the course's spec: `mlflow models serve -m URI -p PORT --host HOST --env-manager local`. */
function mlflowModelsServe(spec: ProcessSpec, port: number): ProcessSpec {
  const option = (name: string) => spec.args[spec.args.indexOf(name) + 1];
  return {
    ...spec,
    command: path.join(path.dirname(spec.command), "mlflow"),
    args: ["models", "serve", "-m", option("--model-uri"), "-p", String(port), "--host", option("--host"), "--env-manager", "local"],
    readOnlyFiles: [],
  };
}
