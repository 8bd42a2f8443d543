import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "../server/net/free-port";

/**
 * Starts the whole course exactly as `npm start` does (scripts/serve.ts), on
 * free ports in a temporary data folder, and stops it after the run, checking
 * that no process it started is left behind.
 */
export default async function globalSetup() {
  const projectRoot = path.resolve(import.meta.dirname, "..");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-training-e2e-"));
  const port = await findFreePort();
  const env = {
    ...process.env,
    MLFLOW_TRACKING_URI: "",
    COURSE_DATA_DIR: dataDir,
    PORT: String(port),
    MLFLOW_PORT: String(await findFreePort()),
    JUPYTER_PORT: String(await findFreePort()),
    MLFLOW_WORKERS: "1",
  };
  const server = spawn(process.execPath, [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/serve.ts"], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The course did not start within 180 s:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("COURSE_READY")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The course exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  await ready;

  process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_MLFLOW_URL = `http://127.0.0.1:${env.MLFLOW_PORT}`;
  process.env.E2E_SERVER_PID = String(server.pid);

  return async () => {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    process.kill(server.pid!, "SIGINT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    const leftovers = processesMentioning(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (leftovers.length) {
      for (const pid of leftovers) process.kill(pid, "SIGKILL");
      throw new Error(`Processes were left running after the course stopped: ${leftovers.join(", ")}`);
    }
  };
}

/** PIDs whose command line or environment names the test's data folder. */
function processesMentioning(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      if (cmdline.includes(dataDir) || environ.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
