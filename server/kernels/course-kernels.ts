import { getConfig } from "../config/runtime-config";
import type { CourseConfig } from "../config/config";
import { keepLearnersCpuFair } from "../sandbox/cpu-fairness";
import { learnerToken } from "../sandbox/learner-token";
import { getStore } from "../store/database";
import { storeKernelDirectory } from "../store/learner-kernels";
import { learnerWorkspace } from "../store/learners";
import { AppError } from "../errors/app-error";
import { getModelServers } from "../model-servers/course-model-servers";
import { KernelPool } from "./kernel-pool";
import { DEFAULT_LIMITS, type RunLimits } from "./run-cell";

type Holder = { pool?: KernelPool };
const holder = ((globalThis as { __courseKernels?: Holder }).__courseKernels ??= {});

/** The process-wide kernel pool of this course (kept on globalThis across dev reloads). */
export function getKernelPool(): KernelPool {
  if (holder.pool) return holder.pool;
  const config = getConfig();
  if (!config.jupyter.token && !config.jupyter.external) {
    throw new AppError("service_unavailable", "The Jupyter server is not configured for this process: start the course with `npm start`.");
  }
  const { external } = config.jupyter;
  keepLearnersCpuFair(config);
  holder.pool = new KernelPool({
    jupyterUrl: config.jupyter.url,
    token: config.jupyter.token ?? "",
    directory: storeKernelDirectory(() => getStore(config.dataDir)),
    learnersRoot: config.jupyter.rootDir,
    kernelEnv: async (learnerId) => ({
      ...mlflowEnv(config, learnerId),
      ...(await modelServerEnv(learnerId)),
      ...(await learnerWorkspaceEnv(learnerId)),
    }),
    // Kernels elsewhere (JUPYTER_URL) are sandboxed by whoever runs them (e.g. Enterprise Gateway's pods).
    ...(external ? { remote: { kernelName: config.jupyter.kernelName } } : config.sandbox.enabled ? { sandbox: config } : {}),
  });
  return holder.pool;
}

/**
 * How a kernel reaches MLflow. Sandboxed kernels of the course's own Jupyter: through the gate,
 * set in their launch environment. Kernels elsewhere (JUPYTER_URL): through the gate over the
 * network, with their learner's token. Otherwise: MLflow itself.
 */
function mlflowEnv(config: CourseConfig, learnerId: string): Record<string, string> {
  if (config.jupyter.external) return { MLFLOW_TRACKING_URI: config.jupyter.gateUrl, MLFLOW_TRACKING_TOKEN: learnerToken(config.dataDir, learnerId) };
  return config.sandbox.enabled ? {} : { MLFLOW_TRACKING_URI: config.mlflow.url };
}

/** The kernel pool, or null when this process has no Jupyter (e.g. `next dev` without `npm start`): for work that is only ever a bonus. */
export function kernelPoolIfRunning(): KernelPool | null {
  try {
    return getKernelPool();
  } catch {
    return null;
  }
}

/**
 * Starts the learner's kernel (and runs its preamble) ahead of need, without waiting: called
 * when a learner joins and when they open a page, so that their first cell finds it running
 * instead of waiting a second for it. A failure here is not the page's: the first run reports it.
 */
export function warmKernel(learnerId: string): void {
  const pool = kernelPoolIfRunning();
  if (!pool || pool.peek(learnerId)) return;
  void pool
    .kernelFor(learnerId)
    .then((kernel) => pool.prepare(kernel))
    .catch(() => undefined);
}

/**
 * Where the serving lesson's cells find the learner's model server (MODEL_SERVER_URL): the Serve
 * panel's server when one runs, on whichever instance, else the lessons' port when ports are the
 * learner's own (solo, or the sandbox), else empty.
 */
export async function modelServerEnv(learnerId: string): Promise<Record<string, string>> {
  const config = getConfig();
  const running = await getModelServers().status(learnerId);
  if (running && (running.state === "starting" || running.state === "ready")) return { MODEL_SERVER_URL: running.url };
  // None running: where the lessons' port is the learner's own, that; in a class sharing ports it
  // could be another learner's server, so nothing (the serving lesson then says to press Start).
  return { MODEL_SERVER_URL: config.sandbox.enabled || config.mode === "solo" ? `http://${config.modelServers.host}:${config.modelServers.defaultPort}` : "" };
}

export function cellLimits(): RunLimits {
  const config = getConfig();
  return {
    ...DEFAULT_LIMITS,
    timeLimitMs: config.cells.timeLimitSeconds * 1000,
    outputCapBytes: config.cells.outputCapBytes,
    ...(config.sandbox.enabled ? { memoryLimitMb: config.sandbox.memoryMb } : {}),
  };
}

/** In classroom mode, a learner's MLflow calls go to their own workspace. */
export async function learnerWorkspaceEnv(learnerId: string): Promise<Record<string, string>> {
  const config = getConfig();
  if (config.mode !== "classroom") return {};
  const workspace = await learnerWorkspace(await getStore(config.dataDir), learnerId);
  return workspace ? { MLFLOW_WORKSPACE: workspace } : {};
}
