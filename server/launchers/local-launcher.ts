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

  kernelMlflowEnv(): Record<string, string> {
    return { MLFLOW_TRACKING_URI: this.config.mlflow.url };
  }

  kernelWorkdir(learner: LaunchedLearner) {
    return { kind: "absolute" as const, path: path.join(this.config.jupyter.rootDir, learner.id) };
  }

  processCommand(_learner: LaunchedLearner, spec: ProcessSpec) {
    return launchDirectly(spec);
  }

  modelServerHost(): string {
    return this.config.modelServers.host;
  }

  modelServerSocket(): null {
    return null;
  }
}
