import type { ProcessSpec } from "@/lib/process/launch";
import type { CourseConfig } from "../config/config";
import type { JupyterKernels } from "./jupyter-kernels";
import { JupyterLauncher } from "./jupyter-launcher";
import type { LaunchedLearner, Launcher, ProcessPlacement } from "./launcher";

/**
 * Kernels on a Jupyter server or kernel gateway the course does not run (JUPYTER_URL, e.g. Jupyter
 * Enterprise Gateway's pods), isolated by whoever runs them: they reach MLflow through the gate
 * over the network with their learner's token. Model servers and the Checks' helpers run on this
 * course instance, started as `here` starts them (in the sandbox where this machine has one).
 */
export class GatewayLauncher extends JupyterLauncher implements Launcher {
  readonly kind = "gateway";
  readonly learnerCgroups = false;
  readonly learnerOwnPorts: boolean;
  readonly description: string;

  constructor(
    private readonly config: CourseConfig,
    kernels: JupyterKernels,
    /** How this instance starts the learner's other processes. */
    private readonly here: Launcher,
  ) {
    super(kernels);
    this.learnerOwnPorts = here.learnerOwnPorts;
    this.description = `kernel gateway at ${config.jupyter.url} (kernel spec ${config.jupyter.kernelName}), isolated by whoever runs it; model servers and Check helpers on this instance: ${here.description}`;
  }

  /** Enterprise Gateway wants to know whose kernel it starts (`KERNEL_USERNAME`: it names the pod, and it refuses its own user); a Jupyter server ignores it. */
  startKernel(learner: LaunchedLearner) {
    return this.kernels.start({ name: this.config.jupyter.kernelName, env: { KERNEL_USERNAME: learner.id } });
  }

  kernelMlflowEnv(learner: LaunchedLearner): Record<string, string> {
    return { MLFLOW_TRACKING_URI: this.config.jupyter.gateUrl, MLFLOW_TRACKING_TOKEN: learner.gateToken };
  }

  /**
   * The class's cluster, which kernels on the gateway's hosts reach at the same address as the
   * instances (the deployment's network policy allows it). No slot from this instance: a kernel's
   * JVM runs on the gateway's host, whose capacity its operator manages.
   */
  kernelSparkEnv(): Record<string, string> {
    return this.config.sparkMaster ? { SPARK_MASTER: this.config.sparkMaster } : {};
  }

  /** A kernel elsewhere makes its folder below where it started: every instance finds the same one. */
  kernelWorkdir(learner: LaunchedLearner) {
    return { kind: "below-start" as const, relative: `learners/${learner.id}` };
  }

  processCommand(learner: LaunchedLearner, spec: ProcessSpec, placement: ProcessPlacement) {
    return this.here.processCommand(learner, spec, placement);
  }

  modelServerHost(): string {
    return this.here.modelServerHost();
  }

  modelServerSocket(learner: LaunchedLearner): string | null {
    return this.here.modelServerSocket(learner);
  }
}
