import path from "node:path";
import { launchDirectly, type ProcessSpec } from "@/lib/process/launch";
import type { CourseConfig } from "../config/config";
import type { JupyterKernels } from "./jupyter-kernels";
import { JupyterLauncher } from "./jupyter-launcher";
import { UNSANDBOXED_KERNEL } from "./kernel-specs";
import type { LaunchedLearner, Launcher } from "./launcher";

/**
 * No sandbox (COURSE_SANDBOX=off, or a solo learner's machine that cannot make one): kernels of the
 * course's own Jupyter and every other process run as the course's user, and reach MLflow itself.
 */
export class LocalLauncher extends JupyterLauncher implements Launcher {
  readonly kind = "local";
  readonly learnerCgroups = false;
  readonly learnerOwnPorts = false;
  readonly description: string;

  constructor(
    private readonly config: CourseConfig,
    kernels: JupyterKernels,
  ) {
    super(kernels);
    this.description = "local processes: learner code runs as the course's own user, without the sandbox";
  }

  startKernel(learner: LaunchedLearner) {
    return this.kernels.start({ name: UNSANDBOXED_KERNEL, path: learner.id });
  }

  /** MLflow itself; the learner's token for the course's gate (which an MLflow without auth ignores). */
  kernelMlflowEnv(learner: LaunchedLearner): Record<string, string> {
    return { MLFLOW_TRACKING_URI: this.config.mlflow.url, ...(this.config.mlflow.external ? {} : { MLFLOW_TRACKING_TOKEN: learner.gateToken }) };
  }

  /** Slots from the site on this machine; the class's cluster, which a kernel with the machine's network reaches as the course does. */
  kernelSparkEnv(): Record<string, string> {
    const { host, port } = this.config.site;
    const loopback = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    return { TRAINING_GATE_URL: `http://${loopback}:${port}/mlflow-gate`, ...(this.config.sparkMaster ? { SPARK_MASTER: this.config.sparkMaster } : {}) };
  }

  kernelWorkdir(learner: LaunchedLearner) {
    return { kind: "absolute" as const, path: path.join(this.config.jupyter.rootDir, learner.id) };
  }

  /**
   * As it is, but first in line for the out-of-memory killer: a learner's process (a model server,
   * a Check's helper running their code) before the course's services, whose score it inherits.
   */
  processCommand(_learner: LaunchedLearner, spec: ProcessSpec) {
    const direct = launchDirectly(spec);
    return { ...direct, command: "/bin/sh", args: ["-c", 'echo 1000 2>/dev/null >/proc/self/oom_score_adj; exec "$@"', "learner-process", direct.command, ...direct.args] };
  }

  modelServerHost(): string {
    return this.config.modelServers.host;
  }

  modelServerSocket(): null {
    return null;
  }
}
