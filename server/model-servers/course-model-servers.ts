import { allowListedEnv } from "@/lib/process/child-env";
import path from "node:path";
import { getConfig } from "../config/runtime-config";
import { keepLearnersCpuFair } from "../sandbox/cpu-fairness";
import { modelServerSocket, sandboxedCommand } from "../sandbox/sandboxed-process";
import { getStore } from "../store/database";
import { storeServerDirectory } from "../store/model-servers";
import { ModelServerManager } from "./model-server-manager";

type Holder = { manager?: ModelServerManager };
const holder = ((globalThis as { __courseModelServers?: Holder }).__courseModelServers ??= {});

/** The process-wide model server manager (kept on globalThis across dev reloads). */
export function getModelServers(): ModelServerManager {
  if (holder.manager) return holder.manager;
  const config = getConfig();
  // Model servers share their learner's cgroup: one under load yields like a busy kernel.
  keepLearnersCpuFair(config);
  const manager = new ModelServerManager({
    pythonBin: path.join(config.python.bin, "python"),
    mlflowUrl: config.mlflow.url,
    baseEnv: allowListedEnv(process.env),
    portRange: config.modelServers.portRange,
    idleTimeoutMs: config.modelServers.idleMinutes * 60_000,
    readyTimeoutMs: 120_000,
    workdirFor: (learnerId) => path.join(config.jupyter.rootDir, learnerId),
    host: config.modelServers.host,
    directory: storeServerDirectory(() => getStore(config.dataDir)),
    ...(config.sandbox.enabled
      ? {
          sandbox: {
            command: (learnerId, spec, port) => sandboxedCommand(config, learnerId, spec, { network: "learner", cgroup: "learner", servePort: port }),
            socketFor: (learnerId) => modelServerSocket(config, learnerId),
          },
        }
      : {}),
  });
  // No scoring server outlives the app: they run in process groups of their own.
  process.once("exit", () => manager.killAllNow());
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      manager.killAllNow();
      if (process.listenerCount(signal) === 0) process.exit(0);
    });
  }
  holder.manager = manager;
  return manager;
}
