import type { ServerConnection } from "@jupyterlab/services";
import type { Slots } from "@/lib/concurrency/slots";
import type { ProcessLauncher } from "@/lib/process/launch";
import type { CourseConfig } from "../config/config";
import { cellRunLimits } from "../kernels/execute-cell";
import { LearnerKernel, type KernelDirectory } from "../kernels/learner-kernel";
import type { LaunchedLearner, Launcher } from "../launchers/launcher";
import type { MemoryFloor } from "../machine/memory";
import type { ModelServerManager } from "../model-servers/model-server-manager";
import type { SparkSlots } from "../spark/spark-slots";
import type { Store } from "../store/database";
import { learnerWorkspace } from "../store/learners";
import { LearnerModelServer } from "./learner-model-server";
import { LearnerSpark } from "./learner-spark";
import { lessonsPort } from "./lessons-port";

/** What every learner's runtime shares: the course's pieces it is built from. */
export type LearnerRuntimeDeps = {
  config: CourseConfig;
  store: Store;
  launcher: Launcher;
  /** The Jupyter server or gateway kernels' WebSockets connect to (throws when this process has none). */
  jupyterSettings: () => ServerConnection.ISettings;
  kernelDirectory: KernelDirectory;
  modelServers: ModelServerManager;
  gateToken: (learnerId: string) => string;
  /** The machine's Spark slots (every JVM the course causes takes one). */
  sparkSlots: SparkSlots;
  /** The machine's Check helpers that load a learner's model in Python: a class's Checks at once take turns. */
  helperSlots: Slots;
  /** The memory kept for the course's services: no kernel or model server starts below it. */
  memory: MemoryFloor;
  /** How long a kernel restart may take before the kernel is let go (default: the kernel's own). */
  kernelRestartLimitMs?: number;
};

/**
 * Everything of one learner's that runs: their kernel, their model server, and how their processes
 * start (with their gate token, in their workspace). The course's equivalent of a JupyterHub
 * Spawner: whatever changes a learner's processes goes through here.
 */
export class LearnerRuntime {
  readonly kernel: LearnerKernel;
  readonly modelServer: LearnerModelServer;
  readonly spark: LearnerSpark;
  /** Who the launcher starts processes for: the learner and the token their processes carry. */
  readonly launched: LaunchedLearner;
  /** Lessons whose exercises' start this process has already noted (one write per lesson, not per cell run). */
  readonly startedLessons = new Set<string>();

  constructor(
    readonly id: string,
    private readonly deps: LearnerRuntimeDeps,
  ) {
    const { config, launcher } = deps;
    this.launched = { id, gateToken: deps.gateToken(id) };
    this.spark = new LearnerSpark(id, deps.sparkSlots);
    this.modelServer = new LearnerModelServer(id, {
      config,
      servers: deps.modelServers,
      lessonsPort: lessonsPort(config, launcher),
      announce: () => this.announceModelServer(),
      memory: deps.memory,
    });
    const spark = this.spark;
    this.kernel = new LearnerKernel({
      learnerId: id,
      kernels: {
        start: () => {
          deps.memory.assertRoomFor("your Python kernel");
          return launcher.startKernel(this.launched);
        },
        poll: (kernelId) => launcher.pollKernel(kernelId),
        stop: (kernelId) => launcher.stopKernel(kernelId),
      },
      settings: deps.jupyterSettings,
      directory: deps.kernelDirectory,
      workdir: launcher.kernelWorkdir(this.launched),
      environment: () => this.kernelEnvironment(),
      limits: cellRunLimits(config),
      around: {
        cellStarted: () => spark.cellStarted(),
        cellEnded: () => spark.cellEnded(),
        pausedMs: (sinceMs) => spark.waitedMs(sinceMs),
        notice: () => spark.takeNotice(),
      },
      ...(deps.kernelRestartLimitMs ? { restartLimitMs: deps.kernelRestartLimitMs } : {}),
    });
  }

  /** The learner's MLflow workspace in a class (read each time: a reset gives them a new one), else null. */
  async workspace(): Promise<string | null> {
    if (this.deps.config.mode !== "classroom") return null;
    return learnerWorkspace(this.deps.store, this.id);
  }

  /** What the kernel's preamble sets: its MLflow, its workspace, and where its model server is. */
  async kernelEnvironment(): Promise<Record<string, string>> {
    const workspace = await this.workspace();
    return {
      ...this.deps.launcher.kernelMlflowEnv(this.launched),
      // Where python/course_spark.py asks for a Spark slot (with the learner's gate token), and the class's cluster.
      ...this.deps.launcher.kernelSparkEnv(),
      MODEL_SERVER_URL: await this.modelServer.addressForKernel(),
      ...(workspace ? { MLFLOW_WORKSPACE: workspace } : {}),
    };
  }

  /** Tells the running kernel where the learner's model server is now (any instance may have started or stopped it). */
  async announceModelServer(): Promise<void> {
    await this.kernel.updateEnvironment({ MODEL_SERVER_URL: await this.modelServer.addressForKernel() }).catch(() => undefined);
  }

  /** How a Check's helpers (and a catch-up's reference cells) start for this learner: as their other processes do. */
  helperLauncher(): ProcessLauncher {
    return (spec) => this.deps.launcher.processCommand(this.launched, spec, { role: "helper" });
  }

  /** Waits for one of the machine's helper slots; resolves with its release. */
  admitHelper(): Promise<() => void> {
    return this.deps.helperSlots.acquire();
  }

  /** Ends the learner's kernel and model server (a reset, a learner removed, a new class). */
  async stopProcesses(why?: string): Promise<void> {
    await Promise.all([this.kernel.shutdown().catch(() => undefined), this.modelServer.end(why)]);
  }
}

/** One runtime per learner, made when first needed and kept for the life of the course's runtime. */
export class LearnerRuntimes {
  private readonly byId = new Map<string, LearnerRuntime>();

  constructor(private readonly deps: LearnerRuntimeDeps) {}

  get(learnerId: string): LearnerRuntime {
    let learner = this.byId.get(learnerId);
    if (!learner) {
      learner = new LearnerRuntime(learnerId, this.deps);
      this.byId.set(learnerId, learner);
    }
    return learner;
  }

  /** The runtimes made so far (the course stopping ends their processes). */
  all(): LearnerRuntime[] {
    return [...this.byId.values()];
  }
}
