import fs from "node:fs";
import path from "node:path";
import type { ProcessSpec } from "@/lib/process/launch";
import type { CourseConfig } from "../config/config";
import { giveFolderToSandbox, writeLaunchDescription } from "../sandbox/launch-description";
import { modelServerSocket, sandboxedCommand } from "../sandbox/sandboxed-process";
import type { JupyterKernels } from "./jupyter-kernels";
import { JupyterLauncher } from "./jupyter-launcher";
import { SANDBOXED_KERNEL, usesKernelForker } from "./kernel-specs";
import type { LaunchedLearner, Launcher, ProcessPlacement } from "./launcher";

const runningAsRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Learner code in the course's bubblewrap sandbox (python/sandbox_launch.py): kernels of the
 * course's own Jupyter and model servers in the learner's own network namespace (both forks of the
 * kernel forker where it runs: as root, with the course's own Jupyter), Check helpers in one of
 * their own; MLflow only through the gate, with the learner's token in their launch description.
 */
export class SandboxLauncher extends JupyterLauncher implements Launcher {
  readonly kind = "sandbox";
  readonly learnerCgroups: boolean;
  readonly learnerOwnPorts = true;
  readonly description: string;

  constructor(
    private readonly config: CourseConfig,
    kernels: JupyterKernels,
    asRoot = runningAsRoot(),
  ) {
    super(kernels);
    this.learnerCgroups = asRoot;
    this.description = asRoot
      ? `bubblewrap sandbox as root: cgroup limits, a disk quota per learner${usesKernelForker(config) ? ", kernels and model servers forked from the kernel forker" : ""}`
      : "bubblewrap sandbox, unprivileged: no resource limits or disk quota (the course does not run as root)";
  }

  async startKernel(learner: LaunchedLearner) {
    const folder = path.join(this.config.jupyter.rootDir, learner.id);
    fs.mkdirSync(folder, { recursive: true });
    giveFolderToSandbox(this.config, folder);
    writeLaunchDescription(this.config, learner.id, learner.gateToken);
    // Jupyter starts a kernel in `path` (its working folder): the sandbox launcher reads the learner from it.
    return this.kernels.start({ name: SANDBOXED_KERNEL, path: learner.id });
  }

  /** The launch description sets MLflow (the gate, through the sandbox's bridge) and the token. */
  kernelMlflowEnv(): Record<string, string> {
    return {};
  }

  /** Slots through the sandbox's bridge to the gate's socket; no cluster, which the sandbox's network cannot reach (Spark runs in local mode inside it). */
  kernelSparkEnv(): Record<string, string> {
    return { TRAINING_GATE_URL: `http://127.0.0.1:${this.config.sandbox.mlflowPortInside}/mlflow-gate` };
  }

  kernelWorkdir(learner: LaunchedLearner) {
    return { kind: "absolute" as const, path: path.join(this.config.jupyter.rootDir, learner.id) };
  }

  processCommand(learner: LaunchedLearner, spec: ProcessSpec, placement: ProcessPlacement) {
    return placement.role === "model-server"
      ? sandboxedCommand(this.config, { id: learner.id, gateToken: learner.gateToken }, spec, { network: "learner", cgroup: "learner", servePort: placement.port, fork: "model-server" })
      : sandboxedCommand(this.config, { id: learner.id, gateToken: learner.gateToken }, spec, { network: "own", cgroup: "check" });
  }

  /** Inside the learner's own network namespace. */
  modelServerHost(): string {
    return "127.0.0.1";
  }

  modelServerSocket(learner: LaunchedLearner): string {
    return modelServerSocket(this.config, learner.id);
  }
}
