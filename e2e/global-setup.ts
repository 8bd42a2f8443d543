import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startUntilOutput } from "../lib/process/start-until-output";
import { findFreePort } from "../server/net/free-port";

const projectRoot = path.resolve(import.meta.dirname, "..");
export const E2E_INSTRUCTOR_PASSWORD = "e2e-instructor-password";

type Stack = { url: string; mlflowUrl: string; dataDir: string; stop(): Promise<string[]> };

/** Starts the course exactly as `npm start` does (scripts/serve.ts), on free ports in a temporary data folder. */
async function startStack(name: string, extraEnv: Record<string, string>): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mlflow-training-e2e-${name}-`));
  const port = await findFreePort();
  const mlflowPort = await findFreePort();
  const env = {
    ...process.env,
    MLFLOW_TRACKING_URI: "",
    COURSE_DATA_DIR: dataDir,
    PORT: String(port),
    MLFLOW_PORT: String(mlflowPort),
    JUPYTER_PORT: String(await findFreePort()),
    MLFLOW_WORKERS: "1",
    ...extraEnv,
  };
  const { group: server } = await startUntilOutput(
    { command: process.execPath, args: [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/serve.ts"], env, cwd: projectRoot },
    { readyWhen: "COURSE_READY", timeoutMs: 180_000, what: `the ${name} course` },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    mlflowUrl: `http://127.0.0.1:${mlflowPort}`,
    dataDir,
    async stop() {
      // SIGINT to the supervisor alone: it stops its services in order, as Ctrl-C in a terminal does.
      process.kill(server.pid, "SIGINT");
      await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      const leftovers = processesMentioning(dataDir);
      for (const pid of leftovers) process.kill(pid, "SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
      return leftovers.map((pid) => `${pid} (${name})`);
    },
  };
}

/**
 * Two courses for the browser tests: a solo one (most specs) and a classroom
 * one (e2e/classroom.spec.ts). Both are stopped after the run, and the run
 * fails if any process they started is left behind.
 */
export default async function globalSetup() {
  const [solo, classroom] = await Promise.all([
    startStack("solo", {}),
    startStack("classroom", { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: E2E_INSTRUCTOR_PASSWORD }),
  ]);
  process.env.E2E_BASE_URL = solo.url;
  process.env.E2E_DATA_DIR = solo.dataDir;
  process.env.E2E_MLFLOW_URL = solo.mlflowUrl;
  process.env.E2E_CLASSROOM_URL = classroom.url;
  process.env.E2E_CLASSROOM_MLFLOW_URL = classroom.mlflowUrl;

  return async () => {
    const leftovers = (await Promise.all([solo.stop(), classroom.stop()])).flat();
    if (leftovers.length) throw new Error(`Processes were left running after the course stopped: ${leftovers.join(", ")}`);
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
