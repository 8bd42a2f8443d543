import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitAtMost } from "@/lib/process/wait-until";
import { findFreePort } from "../../server/net/free-port";

/** A Spark standalone cluster for tests: one master and one worker, from the PySpark distribution. */
export type SparkCluster = {
  masterUrl: string;
  /** The master's JSON status (its web UI's /json/): workers, running and completed applications. */
  status(): Promise<{ aliveworkers: number; completedapps: { name: string }[]; activeapps: { name: string }[] }>;
  stop(): Promise<void>;
};

export type SparkClusterOptions = {
  /** The address master and worker bind and advertise (SPARK_LOCAL_IP); default 127.0.0.1. */
  bindAddress?: string;
  /** How the two processes are started; default node's spawn. A test of several hosts starts them on one (network-hosts.ts). */
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
};

/**
 * Starts `spark-class ...Master` and `...Worker` from PySpark's own `bin/` on free ports of
 * `bindAddress` (loopback by default), and waits until the worker has registered. The worker's
 * executors run Python with `pythonBin` (PYSPARK_PYTHON), as a cluster's workers need a Python
 * with MLflow and pandas.
 */
export async function startSparkCluster(pythonBin: string, options: SparkClusterOptions = {}): Promise<SparkCluster> {
  const host = options.bindAddress ?? "127.0.0.1";
  const spawnProcess = options.spawn ?? spawn;
  const sparkHome = (await runText(pythonBin, ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"])).trim();
  const sparkClass = path.join(sparkHome, "bin", "spark-class");
  const [port, webUi, workerUi] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "spark-cluster-"));
  const env = {
    ...process.env,
    SPARK_HOME: sparkHome,
    SPARK_LOCAL_IP: host,
    SPARK_LOG_DIR: workDir,
    SPARK_WORKER_DIR: path.join(workDir, "work"),
    PYSPARK_PYTHON: pythonBin,
  };
  const logs: string[] = [];
  const start = (args: string[]) => {
    const child = spawnProcess(sparkClass, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    return child;
  };
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      const ended = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  const masterUrl = `spark://${host}:${port}`;
  const status = async () => (await (await fetch(`http://${host}:${webUi}/json/`)).json()) as Awaited<ReturnType<SparkCluster["status"]>>;

  try {
    children.push(start(["org.apache.spark.deploy.master.Master", "--host", host, "--port", String(port), "--webui-port", String(webUi)]));
    children.push(start(["org.apache.spark.deploy.worker.Worker", "--host", host, "--cores", "1", "--memory", "1g", "--webui-port", String(workerUi), masterUrl]));
    const ended = () => children.find((child) => child.exitCode !== null);
    let registered = false;
    // Until a worker registered, or a process exited (then the cluster will not start).
    await waitAtMost(async () => (registered = await status().then((answer) => answer.aliveworkers >= 1, () => false)) || ended() !== undefined, { timeoutMs: 90_000, intervalMs: 500 });
    const exited = ended();
    if (!registered) throw new Error(`the Spark cluster did not start (${exited ? `a process exited with ${exited.exitCode}` : "no worker within 90 s"}):\n${logs.join("").slice(-3000)}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { masterUrl, status, stop };
}

function runText(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} exited with ${code}`))));
  });
}
