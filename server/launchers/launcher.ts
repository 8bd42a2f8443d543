import type { LaunchCommand, ProcessSpec } from "@/lib/process/launch";
import type { KernelModel } from "../jupyter/kernels-api";

/** Whom a launcher starts something for: the learner and the gate token their processes carry. */
export type LaunchedLearner = { id: string; gateToken: string };

/** Where a kernel works: a folder of this machine, or one below where a kernel elsewhere starts. */
export type KernelWorkdir = { kind: "absolute"; path: string } | { kind: "below-start"; relative: string };

/** Where a process other than the kernel runs: a model server (in the learner's own network where there is one), or a Check's helper. */
export type ProcessPlacement = { role: "model-server"; port: number } | { role: "helper" };

/**
 * How a learner's processes are started, chosen once at start (`chooseLauncher`): the course's
 * equivalent of JupyterHub's Spawner. Kernels are started, polled and stopped through a Jupyter
 * server or kernel gateway; model servers and the Checks' helpers are started by the course's
 * process toolkit (lib/process) with the command the launcher gives. Callers never branch on the
 * kind: what differs is here.
 */
export interface Launcher {
  readonly kind: "local" | "sandbox" | "gateway";
  /** One line for the start banner and /api/health. */
  readonly description: string;
  /** Learners' processes have cgroups on this machine that the course may weigh (CPU fairness). */
  readonly learnerCgroups: boolean;
  /** Each learner has a network of their own, so the lessons' port can only ever be their own server. */
  readonly learnerOwnPorts: boolean;

  /** Starts a new kernel for the learner. */
  startKernel(learner: LaunchedLearner): Promise<KernelModel>;
  /** The kernel while its server still has it, else null. */
  pollKernel(kernelId: string): Promise<KernelModel | null>;
  /** Ends the kernel (a kernel already gone is no error). */
  stopKernel(kernelId: string): Promise<void>;
  /** What the kernel's preamble puts in its environment so its MLflow client reaches the course's MLflow. */
  kernelMlflowEnv(learner: LaunchedLearner): Record<string, string>;
  /**
   * What the kernel's preamble sets for Spark: `TRAINING_GATE_URL`, where python/course_spark.py asks
   * for one of this machine's Spark slots (only for kernels on this machine: their JVM is this
   * machine's memory), and `SPARK_MASTER`, the class's cluster, where the kernel can reach it.
   */
  kernelSparkEnv(): Record<string, string>;
  kernelWorkdir(learner: LaunchedLearner): KernelWorkdir;

  /** The command that starts `spec` for the learner (it is then run in a process group of its own). */
  processCommand(learner: LaunchedLearner, spec: ProcessSpec, placement: ProcessPlacement): LaunchCommand;
  /** The address model servers bind to. */
  modelServerHost(): string;
  /** Where the course reaches the learner's model server when it is not at its own address: a unix socket only the course opens. */
  modelServerSocket(learner: LaunchedLearner): string | null;
}
