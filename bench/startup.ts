// bench/startup: how long `npm start` takes to be ready, and what each process
// holds in memory at idle. Baseline, measured in the same run: a bare
// `mlflow server` and `jupyter server` started by hand on the same machine.
//
//   npx tsx bench/startup.ts                 warm start (installed and built)
//   npx tsx bench/startup.ts --fresh-clone   also a first start from a fresh clone
//                                            (package caches stay warm on this machine)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnGroup } from "../lib/process/process-group";
import { startUntilOutput } from "../lib/process/start-until-output";
import { waitUntil } from "../lib/process/wait-until";
import { findFreePort } from "../server/net/free-port";
import { probeJupyter, probeMlflow } from "../server/health/probes";

const projectRoot = path.resolve(import.meta.dirname, "..");

type Started = { readyMs: number; pid: number; stop(): Promise<void> };

async function startCourse(root: string): Promise<Started & { output: () => string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-startup-"));
  const env = {
    ...process.env,
    MLFLOW_TRACKING_URI: "",
    COURSE_DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    MLFLOW_PORT: String(await findFreePort()),
    JUPYTER_PORT: String(await findFreePort()),
  };
  const began = performance.now();
  const { group: child, output } = await startUntilOutput({ command: process.execPath, args: ["scripts/start.mjs"], env, cwd: root }, { readyWhen: "COURSE_READY", timeoutMs: 30 * 60_000, what: "npm start" });
  const readyMs = performance.now() - began;
  return {
    readyMs,
    pid: child.pid,
    output,
    async stop() {
      process.kill(child.pid, "SIGINT");
      await child.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startBare(): Promise<{ mlflowMs: number; jupyterMs: number; rss: Record<string, number>; stop(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-bare-"));
  const bin = path.join(projectRoot, ".venv", "bin");
  const mlflowPort = await findFreePort();
  const jupyterPort = await findFreePort();
  const env = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false" };
  const began = performance.now();
  const mlflow = spawnGroup(
    { command: path.join(bin, "mlflow"), args: ["server", "--backend-store-uri", `sqlite:///${dir}/mlflow.db`, "--artifacts-destination", `${dir}/artifacts`, "--host", "127.0.0.1", "--port", String(mlflowPort), "--workers", "2"], env, cwd: dir },
    { stdio: "ignore" },
  );
  const jupyter = spawnGroup(
    { command: path.join(bin, "jupyter"), args: ["server", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${jupyterPort}`, "--IdentityProvider.token=bench", "--ServerApp.open_browser=False", `--ServerApp.root_dir=${dir}`, "--allow-root"], env, cwd: dir },
    { stdio: "ignore" },
  );
  const until = async (ready: () => Promise<boolean>, what: string) => {
    await waitUntil(ready, { timeoutMs: 180_000, intervalMs: 100, what });
    return performance.now() - began;
  };
  const [mlflowMs, jupyterMs] = await Promise.all([
    until(async () => (await probeMlflow(`http://127.0.0.1:${mlflowPort}`)).ok, "the bare MLflow server"),
    until(async () => (await probeJupyter(`http://127.0.0.1:${jupyterPort}`, "bench")).ok, "the bare Jupyter server"),
  ]);
  await new Promise((r) => setTimeout(r, 3000));
  const rss = { mlflow: groupRssMb(mlflow.pid!), jupyter: groupRssMb(jupyter.pid!) };
  return {
    mlflowMs,
    jupyterMs,
    rss,
    stop() {
      mlflow.kill();
      jupyter.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of every process in a process group, in MB. */
function groupRssMb(pgid: number): number {
  const out = execFileSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1024;
}

/** Resident memory of the course's children, by service, read from the supervisor's state file. */
function courseRss(supervisorPid: number): Record<string, number> {
  const rss: Record<string, number> = { supervisor: Number(execFileSync("ps", ["-o", "rss=", "-p", String(supervisorPid)], { encoding: "utf8" }).trim()) / 1024 };
  const children = execFileSync("ps", ["-o", "pid=,pgid=,args=", "--ppid", String(supervisorPid)], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (const line of children) {
    const [pid, , ...args] = line.trim().split(/\s+/);
    const command = args.join(" ");
    const name = /mlflow server/.test(command) ? "mlflow" : /jupyter/.test(command) ? "jupyter" : /scripts\/site\.ts|next/.test(command) ? "site (Next.js)" : null;
    if (name) rss[name] = groupRssMb(Number(pid));
  }
  return rss;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

console.log(`bench/startup on ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${new Date().toISOString()}`);

if (process.argv.includes("--fresh-clone")) {
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fresh-clone-"));
  execFileSync("git", ["clone", "--quiet", projectRoot, clone]);
  const cold = await startCourse(clone);
  console.log(`first npm start, fresh clone (npm ci + venv + pip + next build; caches warm): ${fmt(cold.readyMs)}`);
  await cold.stop();
  fs.rmSync(clone, { recursive: true, force: true });
}

const bare = await startBare();
console.log(`baseline: bare mlflow server ready in ${fmt(bare.mlflowMs)}, bare jupyter server in ${fmt(bare.jupyterMs)}`);
console.log(`baseline idle RSS: mlflow ${bare.rss.mlflow.toFixed(0)} MB, jupyter ${bare.rss.jupyter.toFixed(0)} MB`);
bare.stop();

const warm = await startCourse(projectRoot);
await new Promise((r) => setTimeout(r, 5000));
// start.mjs runs the supervisor in its own process, so its pid is the supervisor's.
const rss = courseRss(warm.pid);
console.log(`warm npm start to ready: ${fmt(warm.readyMs)} (ratio to bare MLflow start: ${(warm.readyMs / bare.mlflowMs).toFixed(2)}x)`);
console.log("idle resident memory (process group totals):");
for (const [name, mb] of Object.entries(rss)) console.log(`  ${name.padEnd(20)} ${mb.toFixed(0)} MB`);
await warm.stop();
