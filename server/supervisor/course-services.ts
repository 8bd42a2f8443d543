import fs from "node:fs";
import path from "node:path";
import { allowListedEnv } from "@/lib/process/child-env";
import type { CourseConfig, Env } from "../config/config";
import { probeJupyter, probeMlflow } from "../health/probes";
import { kernelForkerSocket, usesKernelForker, writeKernelSpecs } from "../launchers/kernel-specs";
import type { ServiceSpec } from "./service-supervisor";

/**
 * The commands the course runs. Tests start the very same specs on free ports
 * in a temporary data folder, so what is tested is what `npm start` runs.
 */

export function mlflowServiceSpec(config: CourseConfig, baseEnv: Env = process.env): ServiceSpec {
  fs.mkdirSync(config.mlflow.artifactsDir, { recursive: true });
  return {
    name: "mlflow",
    label: "MLflow server",
    command: path.join(config.python.bin, "mlflow"),
    args: [
      "server",
      // The backend store is given in its environment (MLflow's own variable): a PostgreSQL URL may
      // hold a password, and a command line is readable by others.
      "--artifacts-destination", config.mlflow.artifactsDir,
      "--host", "127.0.0.1",
      "--port", String(config.mlflow.port),
      "--workers", String(config.mlflow.workers),
      // Classroom mode: one private workspace per learner.
      ...(config.mode === "classroom" ? ["--enable-workspaces"] : []),
    ],
    cwd: config.dataDir,
    env: {
      ...pythonEnv(config, baseEnv),
      MLFLOW_BACKEND_STORE_URI: config.mlflow.backendStoreUri,
      // The job runner serves GenAI features the course does not use; it costs a process.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
      ...(config.mode === "classroom" ? { MLFLOW_ENABLE_WORKSPACES: "true" } : {}),
    },
    probe: async () => (await probeMlflow(`http://127.0.0.1:${config.mlflow.port}`)).ok,
    // The first start on a new data folder creates the database schema.
    readyTimeoutMs: 120_000,
  };
}

export function jupyterServiceSpec(config: CourseConfig, token: string, baseEnv: Env = process.env): ServiceSpec {
  fs.mkdirSync(config.jupyter.rootDir, { recursive: true });
  // The token goes in a file only the course's user reads, never on a command line.
  const configDir = path.join(config.dataDir, "jupyter", "config");
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  // course_jupyter (python/course_jupyter.py) is also a server extension: it runs the kernel forker.
  const settings = { IdentityProvider: { token }, ServerApp: { jpserver_extensions: { course_jupyter: true } } };
  fs.writeFileSync(path.join(configDir, "jupyter_server_config.json"), JSON.stringify(settings), { mode: 0o600 });
  fs.chmodSync(path.join(configDir, "jupyter_server_config.json"), 0o600);
  writeKernelSpecs(config);
  const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return {
    name: "jupyter",
    label: "Jupyter server",
    command: path.join(config.python.bin, "jupyter"),
    args: [
      "server",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${config.jupyter.port}`,
      "--ServerApp.port_retries=0",
      "--ServerApp.open_browser=False",
      `--ServerApp.root_dir=${config.jupyter.rootDir}`,
      // Idle kernels are shut down after an hour; the app starts a new one on the next run.
      "--MappingKernelManager.cull_idle_timeout=3600",
      "--MappingKernelManager.cull_interval=300",
      ...(runningAsRoot ? ["--allow-root"] : []),
      // Sandboxed kernels live in their own network namespace: Jupyter reaches them over unix sockets.
      ...(config.sandbox.enabled ? ["--KernelManager.transport=ipc"] : []),
      // Kernel WebSockets without Nagle's algorithm (python/course_jupyter.py).
      "--ServerApp.kernel_websocket_connection_class=course_jupyter.NoDelayWebsocketConnection",
    ],
    cwd: config.jupyter.rootDir,
    env: {
      ...pythonEnv(config, baseEnv),
      // Kernels inherit this environment: learner code talks to the course's MLflow.
      MLFLOW_TRACKING_URI: config.mlflow.url,
      JUPYTER_CONFIG_DIR: configDir,
      // The server imports course_jupyter from the project's python/ folder.
      PYTHONPATH: path.join(config.projectRoot, "python"),
      JUPYTER_DATA_DIR: path.join(config.dataDir, "jupyter", "data"),
      JUPYTER_RUNTIME_DIR: path.join(config.dataDir, "jupyter", "runtime"),
      MPLBACKEND: "module://matplotlib_inline.backend_inline",
      // Spark's Python workers must use the course's Python (pandas, MLflow), not the system one.
      PYSPARK_PYTHON: path.join(config.python.bin, "python"),
      PYSPARK_DRIVER_PYTHON: path.join(config.python.bin, "python"),
      // Sandboxed kernels as forks of one process holding the course's imports (python/kernel_forker.py, as root).
      ...(usesKernelForker(config) ? { COURSE_KERNEL_FORKER_SOCKET: kernelForkerSocket(config) } : {}),
    },
    probe: async () => (await probeJupyter(`http://127.0.0.1:${config.jupyter.port}`, token)).ok,
    readyTimeoutMs: 60_000,
  };
}

export function siteServiceSpec(config: CourseConfig, env: Env): ServiceSpec {
  return {
    name: "site",
    label: "Course site (Next.js)",
    command: process.execPath,
    // Next.js behind the course's own HTTP entry point (client address, body caps).
    args: ["--import", "tsx", path.join(config.projectRoot, "scripts", "site.ts")],
    cwd: config.projectRoot,
    env: { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    probe: async () => {
      const response = await fetch(`http://${loopbackFor(config.site.host)}:${config.site.port}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
      return response !== null;
    },
    readyTimeoutMs: 60_000,
  };
}

/** The course's Python services' environment: the allow-list of `baseEnv`, with the virtualenv first. */
export function pythonEnv(config: CourseConfig, baseEnv: Env): Env {
  return {
    ...allowListedEnv(baseEnv),
    PATH: `${config.python.bin}${path.delimiter}${baseEnv.PATH ?? ""}`,
    VIRTUAL_ENV: config.python.venvDir,
    PYTHONUNBUFFERED: "1",
    // Classrooms may be offline and the machines reach only package registries:
    // MLflow must not try to send usage data anywhere.
    MLFLOW_DISABLE_TELEMETRY: "true",
    DO_NOT_TRACK: "true",
  };
}

/** Where this machine reaches a server bound to `host`. */
export function loopbackFor(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
