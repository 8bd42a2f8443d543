import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type CourseConfig, type Env } from "../config/config";
import { kernelForkerSocket, usesKernelForker } from "../launchers/kernel-specs";
import { findFreePort } from "../net/free-port";
import { CourseSupervisor, type ServiceName } from "../supervisor/course-supervisor";
import { waitAtMost } from "@/lib/process/wait-until";

/**
 * A real course back end for tests: MLflow and/or Jupyter from the project's
 * virtualenv, on free ports, in a temporary data folder that is deleted after.
 */
export type TempCourse = {
  config: CourseConfig;
  supervisor: CourseSupervisor;
  dataDir: string;
  stop(): Promise<void>;
};

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

export async function startTempCourse(services: ServiceName[] = ["mlflow", "jupyter"], extraEnv: Env = {}, log?: (line: string) => void): Promise<TempCourse> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-training-test-"));
  const env: Env = {
    ...process.env,
    MLFLOW_TRACKING_URI: undefined,
    ...extraEnv,
    COURSE_DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    MLFLOW_PORT: String(await findFreePort()),
    JUPYTER_PORT: String(await findFreePort()),
    // One worker unless asked (a capacity bench runs what `npm start` runs).
    MLFLOW_WORKERS: extraEnv.MLFLOW_WORKERS ?? "1",
  };
  const config = loadConfig(env, { projectRoot });
  const supervisor = new CourseSupervisor(config, { services, env, log });
  let started: CourseConfig;
  try {
    await supervisor.start();
    // As the site runs it: the sandbox decided and Jupyter's token, from the supervisor.
    started = supervisor.config;
    await kernelForkerListening(started, services);
  } catch (error) {
    await supervisor.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    config: started,
    supervisor,
    dataDir,
    async stop() {
      await supervisor.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * With the sandbox as root, sandboxed kernels are forks of the kernel forker once it has done its
 * imports (a few seconds after Jupyter); kernels asked for before then start the plain way. Tests
 * wait for it, so the kernels they try are the ones a class gets.
 */
async function kernelForkerListening(config: CourseConfig, services: ServiceName[]): Promise<void> {
  if (!services.includes("jupyter") || !usesKernelForker(config)) return;
  const socket = kernelForkerSocket(config);
  const listening = await waitAtMost(() => fs.existsSync(socket), { timeoutMs: 120_000, intervalMs: 200 });
  if (!listening) throw new Error(`the kernel forker did not start listening on ${socket} within 2 minutes; see ${path.join(config.runDir, "logs", "jupyter.log")}`);
}
