import os from "node:os";
import path from "node:path";
import { allowListedEnv } from "@/lib/process/child-env";
import type { CourseConfig, Env } from "../config/config";
import { CourseIdentity } from "../identity/course-identity";
import { loadSessionSecret } from "../identity/secrets";
import { chooseLauncher, jupyterKernelsFor } from "../launchers/choose-launcher";
import type { Launcher } from "../launchers/launcher";
import { LearnerRuntime, LearnerRuntimes } from "../learners/learner-runtime";
import { LessonCatalog } from "../lessons/lesson-catalog";
import { MemoryFloor } from "../machine/memory";
import { ArtifactQuota } from "../mlflow-proxy/artifact-quota";
import { MlflowGate } from "../mlflow-proxy/gate-request";
import { modelServerLaunching } from "../model-servers/launching";
import { swapFormerInstanceId } from "../model-servers/former-instance";
import { ModelServerManager } from "../model-servers/model-server-manager";
import { CpuFairness, courseCgroups } from "../sandbox/cpu-fairness";
import { defaultSparkSlots, SparkSlots } from "../spark/spark-slots";
import { Slots } from "@/lib/concurrency/slots";
import { openStore, storeTarget, type Store } from "../store/database";
import { storeKernelDirectory } from "../store/learner-kernels";
import { storeServerDirectory } from "../store/model-servers";

/** How long a model server may take to answer /ping after Start. */
const MODEL_SERVER_READY_MS = 120_000;

export type CourseRuntimeOptions = {
  /** The environment the course's own children inherit an allow-list of (default: this process's). */
  env?: Env;
  /** How long a kernel restart may take before the course lets the kernel go (default RESTART_LIMIT_MS). */
  kernelRestartLimitMs?: number;
};

/**
 * The course as one object, built once from its configuration by the site's entry point (and by
 * tests, beside their own): the progress store, identity, the MLflow gate, the lessons, how
 * learners' processes start (the launcher, chosen once), the model servers, the CPU fairness
 * sampler, and one runtime per learner. Routes and pages reach it through `courseRuntime()`
 * (runtime-access.ts); no other module keeps process-wide state, and the configuration is not read
 * again.
 */
export class CourseRuntime {
  readonly lessons: LessonCatalog;
  readonly identity: CourseIdentity;
  readonly launcher: Launcher;
  readonly modelServers: ModelServerManager;
  readonly learners: LearnerRuntimes;
  readonly artifactQuota: ArtifactQuota;
  readonly gate: MlflowGate;
  /** Null where learners have no cgroups here (no sandbox, not root, kernels elsewhere). */
  readonly cpuFairness: CpuFairness | null;
  /** The memory kept for the course's own services. */
  readonly memory: MemoryFloor;
  /** The machine's Spark slots: learners' sessions and Spark Checks. */
  readonly sparkSlots: SparkSlots;
  /** Check helpers that load a learner's model in Python, machine-wide (one per core unless configured). */
  readonly helperSlots: Slots;

  private constructor(
    readonly config: CourseConfig,
    readonly store: Store,
    secret: Buffer,
    { env = process.env, kernelRestartLimitMs }: CourseRuntimeOptions,
  ) {
    this.lessons = new LessonCatalog(config.projectRoot);
    this.identity = new CourseIdentity(config, store, secret);
    const jupyter = jupyterKernelsFor(config);
    this.launcher = chooseLauncher(config, jupyter);
    const launcher = this.launcher;
    this.memory = new MemoryFloor(config.capacity.memoryFloorMb);
    this.helperSlots = new Slots(config.capacity.helperSlots ?? Math.max(1, os.availableParallelism()));
    this.sparkSlots = new SparkSlots(config.capacity.sparkSlots ?? defaultSparkSlots(), { memory: this.memory, idleMinutes: config.capacity.sparkIdleMinutes });
    this.modelServers = new ModelServerManager({
      pythonBin: path.join(config.python.bin, "python"),
      scoringServer: path.join(config.projectRoot, "python", "course_scoring_server.py"),
      mlflowUrl: config.mlflow.url,
      baseEnv: allowListedEnv(env),
      portRange: config.modelServers.portRange,
      idleTimeoutMs: config.modelServers.idleMinutes * 60_000,
      readyTimeoutMs: MODEL_SERVER_READY_MS,
      workdirFor: (learnerId) => path.join(config.jupyter.rootDir, learnerId),
      directory: storeServerDirectory(store),
      launching: modelServerLaunching(launcher, (learnerId) => this.identity.gateToken(learnerId)),
      soloLearner: config.mode === "solo",
    });
    this.learners = new LearnerRuntimes({
      config,
      store,
      launcher,
      jupyterSettings: () => jupyter.connected(),
      kernelDirectory: storeKernelDirectory(store),
      modelServers: this.modelServers,
      gateToken: (learnerId) => this.identity.gateToken(learnerId),
      sparkSlots: this.sparkSlots,
      helperSlots: this.helperSlots,
      memory: this.memory,
      kernelRestartLimitMs,
    });
    this.artifactQuota = new ArtifactQuota(config);
    this.gate = new MlflowGate({
      config,
      store,
      identity: this.identity,
      artifactQuota: this.artifactQuota,
      // The course's own answers to learner code, on the gate (its token, its learner).
      courseRoute: (learnerId, route, request) => (route === "spark-session" && request.method === "POST" ? this.learner(learnerId).spark.openSession(request.signal) : null),
    });
    const cgroups = launcher.learnerCgroups ? courseCgroups(config) : undefined;
    this.cpuFairness = cgroups ? new CpuFairness(cgroups) : null;
  }

  /**
   * Opens the store (migrating it), reads the signing key and builds the course; learners' CPU
   * fairness starts sampling. The configuration's sandbox must be decided (sandbox-choice.ts).
   */
  static async start(config: CourseConfig, options: CourseRuntimeOptions = {}): Promise<CourseRuntime> {
    if (!config.sandbox.decided) {
      throw new Error("The course's sandbox has not been decided for this configuration: start the site through `npm start`, or decide it (server/sandbox/sandbox-choice.ts) first.");
    }
    const { db } = await openStore(storeTarget(config.dataDir, config.databaseUrl));
    const runtime = new CourseRuntime(config, db, loadSessionSecret(config.dataDir, config.sessionSecret), options);
    runtime.cpuFairness?.start();
    return runtime;
  }

  /**
   * For the site's process only (not a second runtime beside it): records this process as the
   * site on its port, and marks the model servers of a former one that died alone as stopped
   * (they ended with it; the Serve panel then says the site restarted).
   */
  async succeedFormerSite(): Promise<void> {
    const former = swapFormerInstanceId(this.config.runDir, this.config.site.port, this.modelServers.instanceId);
    if (former) await this.modelServers.endFormerInstance(former);
  }

  /** The learner's runtime: their kernel, model server and processes. */
  learner(learnerId: string): LearnerRuntime {
    return this.learners.get(learnerId);
  }

  /** Synchronous last resort when the process exits: no model server may outlive the course. */
  killProcessesNow(): void {
    this.modelServers.killAllNow();
  }

  /** Ends what the course started (model servers; kernels with `kernels: true`) and closes the store. */
  async stop({ kernels = false }: { kernels?: boolean } = {}): Promise<void> {
    this.cpuFairness?.stop();
    this.sparkSlots.stop();
    this.modelServers.dispose();
    await this.modelServers.stopAll().catch(() => undefined);
    if (kernels) await Promise.all(this.learners.all().map((learner) => learner.kernel.shutdown()));
    await this.store.destroy().catch(() => undefined);
  }
}
