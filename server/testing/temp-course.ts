import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type CourseConfig, type Env } from "../config/config";
import { findFreePort } from "../net/free-port";
import { CourseSupervisor, type ServiceName } from "../supervisor/course-supervisor";

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
    COURSE_PROJECT_ROOT: projectRoot,
    COURSE_DATA_DIR: dataDir,
    PORT: String(await findFreePort()),
    MLFLOW_PORT: String(await findFreePort()),
    JUPYTER_PORT: String(await findFreePort()),
    // One worker unless asked (a capacity bench runs what `npm start` runs).
    MLFLOW_WORKERS: extraEnv.MLFLOW_WORKERS ?? "1",
  };
  const config = loadConfig(env);
  const supervisor = new CourseSupervisor(config, { services, env, log });
  try {
    await supervisor.start();
  } catch (error) {
    await supervisor.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    config: loadConfig(supervisor.serviceEnv()),
    supervisor,
    dataDir,
    async stop() {
      await supervisor.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
