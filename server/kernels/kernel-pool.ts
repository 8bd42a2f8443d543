import fs from "node:fs";
import path from "node:path";
import { KernelAPI, KernelConnection, type Kernel, type ServerConnection } from "@jupyterlab/services";
import { AppError } from "../errors/app-error";
import { jupyterSettings } from "../jupyter/connection-settings";
import type { CourseConfig } from "../config/config";
import { launchKernel } from "./launch-kernel";

/** How long a restart may take (Jupyter restarting the kernel, its WebSocket connecting again) before the course lets the kernel go. */
export const RESTART_LIMIT_MS = 90_000;

/**
 * Where learner -> kernel id is remembered: the store, so that every instance and a restarted
 * one find the same kernels. `put` compares and sets: it writes only if the learner's kernel is
 * still `replacing` (undefined: none), so two instances starting one at once agree on one.
 */
export type KernelDirectory = {
  get(learnerId: string): Promise<string | undefined>;
  put(learnerId: string, kernelId: string, replacing: string | undefined): Promise<boolean>;
  /** Forgets the learner's kernel if it is still `kernelId`. */
  drop(learnerId: string, kernelId: string): Promise<void>;
};

export type KernelPoolOptions = {
  jupyterUrl: string;
  token: string;
  /** Learner -> kernel id; unset: remembered in this pool only. */
  directory?: KernelDirectory;
  /** The Jupyter server's root; each learner works in <root>/<learner id>. */
  learnersRoot: string;
  /**
   * Kernels run on another machine (`JUPYTER_URL`, e.g. a kernel gateway), started from the
   * kernel spec `kernelName`: each learner works in learners/<learner id> below where their
   * kernel starts, made there, not here.
   */
  remote?: { kernelName: string };
  /** Environment every learner's kernel gets (e.g. MLFLOW_TRACKING_URI). */
  kernelEnv: (learnerId: string) => Record<string, string> | Promise<Record<string, string>>;
  /** Start kernels in the course's sandbox (COURSE_SANDBOX=on): the course's configuration. */
  sandbox?: CourseConfig;
  /** How long a restart may take before the kernel is let go (default RESTART_LIMIT_MS). */
  restartLimitMs?: number;
};

export type LearnerKernel = {
  learnerId: string;
  connection: Kernel.IKernelConnection;
  /** True once the kernel lost its state (restart, death): the preamble must run again. */
  needsPreamble: boolean;
  /** Runs on one kernel happen one at a time, in order. */
  queue: Promise<unknown>;
};

/**
 * One kernel per learner, started on demand and reused across requests.
 * Kept on globalThis so Next.js dev reloads do not leak kernels.
 */
export class KernelPool {
  private readonly kernels = new Map<string, LearnerKernel>();
  private readonly starting = new Map<string, Promise<LearnerKernel>>();
  readonly settings: ServerConnection.ISettings;

  private readonly directory: KernelDirectory;

  constructor(private readonly options: KernelPoolOptions) {
    this.settings = jupyterSettings(options.jupyterUrl, options.token);
    this.directory = options.directory ?? inMemoryDirectory();
  }

  /** The learner's kernel, connected and ready to run code. */
  async kernelFor(learnerId: string): Promise<LearnerKernel> {
    const known = this.kernels.get(learnerId);
    if (known && !known.connection.isDisposed && known.connection.status !== "dead") return known;
    const pending = this.starting.get(learnerId);
    if (pending) return pending;
    const start = this.connectOrStart(learnerId).finally(() => this.starting.delete(learnerId));
    this.starting.set(learnerId, start);
    return start;
  }

  /** Whether the learner has a live kernel right now (without starting one). */
  peek(learnerId: string): LearnerKernel | undefined {
    const known = this.kernels.get(learnerId);
    return known && !known.connection.isDisposed ? known : undefined;
  }

  async interrupt(learnerId: string): Promise<boolean> {
    const kernel = this.peek(learnerId);
    if (!kernel) return false;
    await kernel.connection.interrupt();
    return true;
  }

  async restart(learnerId: string): Promise<LearnerKernel> {
    const kernel = this.peek(learnerId);
    if (!kernel || kernel.connection.status === "dead") {
      if (kernel) await this.forget(learnerId);
      return this.kernelFor(learnerId);
    }
    kernel.needsPreamble = true;
    // A restart waits for Jupyter to restart the kernel and for its WebSocket to connect again; a
    // Jupyter (or gateway) that never does would hold the learner's runs forever.
    const limitMs = this.options.restartLimitMs ?? RESTART_LIMIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<"gave up">((resolve) => (timer = setTimeout(() => resolve("gave up"), limitMs)));
    const outcome = await Promise.race([kernel.connection.restart().then(() => "restarted" as const), gaveUp]).finally(() => clearTimeout(timer));
    if (outcome === "gave up") {
      const { id } = kernel.connection;
      await this.forget(learnerId);
      // Not awaited: the Jupyter that did not restart it may not answer this either; it ends the kernel once it does.
      void KernelAPI.shutdownKernel(id, this.settings).catch(() => undefined);
      throw new AppError("jupyter_unreachable", `Your kernel did not come back within ${Math.round(limitMs / 1000)} s of a restart, so the course let it go: the next run starts a new one.`);
    }
    kernel.queue = Promise.resolve();
    return kernel;
  }

  /** Shuts the learner's kernel down (used by resets and tests). */
  async shutdown(learnerId: string): Promise<void> {
    const kernel = this.peek(learnerId);
    await this.forget(learnerId);
    if (kernel) await kernel.connection.shutdown().catch(() => undefined);
  }

  async shutdownAll(): Promise<void> {
    await Promise.all([...this.kernels.keys()].map((id) => this.shutdown(id)));
  }

  /**
   * Sets environment variables in the learner's running kernel (silently, after whatever it is
   * running); a kernel started later gets them from `kernelEnv` with its preamble.
   */
  async updateEnvironment(learnerId: string, variables: Record<string, string>): Promise<void> {
    const kernel = this.peek(learnerId);
    if (!kernel || kernel.needsPreamble || kernel.connection.status === "dead") return;
    const future = kernel.connection.requestExecute({ code: `import os as _course_os\n_course_os.environ.update(${JSON.stringify(variables)})\ndel _course_os`, silent: true, store_history: false });
    await future.done.catch(() => undefined);
  }

  /** Runs the preamble if the kernel lost its state since the last run. */
  async prepare(kernel: LearnerKernel): Promise<void> {
    if (!kernel.needsPreamble) return;
    const future = kernel.connection.requestExecute({ code: await this.preamble(kernel.learnerId), silent: true, store_history: false });
    const reply = await future.done;
    if (reply.content.status !== "ok") {
      throw new AppError("jupyter_unreachable", "The Python kernel could not be prepared for this course (its start-up code failed).");
    }
    kernel.needsPreamble = false;
  }

  private async forget(learnerId: string) {
    const kernel = this.kernels.get(learnerId);
    this.kernels.delete(learnerId);
    kernel?.connection.dispose();
    // Only the kernel this pool knew is forgotten: another instance may have remembered a newer one since.
    if (kernel) await this.directory.drop(learnerId, kernel.connection.id).catch(() => undefined);
  }

  private async connectOrStart(learnerId: string): Promise<LearnerKernel> {
    if (this.kernels.has(learnerId)) await this.forget(learnerId);
    try {
      const model = await this.findOrLaunch(learnerId);
      const connection = new KernelConnection({ model, serverSettings: this.settings, handleComms: false });
      const kernel: LearnerKernel = { learnerId, connection, needsPreamble: true, queue: Promise.resolve() };
      connection.statusChanged.connect((_, status) => {
        // The kernel's namespace is gone after any restart (ours or Jupyter's auto-restart).
        if (status === "restarting" || status === "autorestarting" || status === "starting") kernel.needsPreamble = true;
        // What an operator needs when a learner's kernel dies or vanishes (the site's log).
        if (status === "autorestarting" || status === "dead") console.error(`Kernel ${connection.id} of learner ${learnerId}: ${status}`);
      });
      connection.connectionStatusChanged.connect((_, status) => {
        if (status !== "connected" && !connection.isDisposed) console.error(`Kernel ${connection.id} of learner ${learnerId}: its WebSocket is ${status}`);
      });
      this.kernels.set(learnerId, kernel);
      await this.prepare(kernel);
      return kernel;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("jupyter_unreachable", `The course could not start a Python kernel: Jupyter is not answering (${(error as Error).message}). It is restarted automatically; try again in a few seconds.`);
    }
  }

  /** The learner's remembered kernel if Jupyter still has it; else a new one, unless another instance started one meanwhile. */
  private async findOrLaunch(learnerId: string): Promise<Kernel.IModel> {
    const alive = async (id: string | undefined) => (id ? await KernelAPI.getKernelModel(id, this.settings).catch(() => undefined) : undefined);
    const rememberedId = await this.directory.get(learnerId);
    const existing = await alive(rememberedId);
    if (existing) return existing;
    const launched = await launchKernel({ learnerId, workdir: learnerId, settings: this.settings, sandbox: this.options.sandbox, remote: this.options.remote });
    if (await this.directory.put(learnerId, launched.id, rememberedId)) return launched;
    // Another instance remembered a kernel for this learner first: use that one, and end ours.
    const theirs = await alive(await this.directory.get(learnerId));
    if (theirs) {
      await KernelAPI.shutdownKernel(launched.id, this.settings).catch(() => undefined);
      return theirs;
    }
    const current = await this.directory.get(learnerId);
    await this.directory.put(learnerId, launched.id, current);
    return launched;
  }

  private async preamble(learnerId: string): Promise<string> {
    const env = await this.options.kernelEnv(learnerId);
    // A kernel elsewhere makes its folder below where it started; the first preamble fixes the
    // absolute path in the kernel's environment, so a later one (another instance) finds the same.
    const workdir = this.options.remote
      ? `_course_os.environ.setdefault("COURSE_WORKDIR", _course_os.path.abspath(${JSON.stringify(`learners/${learnerId}`)}))`
      : JSON.stringify(this.localWorkdir(learnerId));
    return [
      "import os as _course_os",
      `_course_workdir = ${workdir}`,
      "_course_os.makedirs(_course_workdir, exist_ok=True)",
      "_course_os.chdir(_course_workdir)",
      `_course_os.environ.update(${JSON.stringify(env)})`,
      "del _course_os, _course_workdir",
    ].join("\n");
  }

  private localWorkdir(learnerId: string): string {
    const workdir = path.join(this.options.learnersRoot, learnerId);
    fs.mkdirSync(workdir, { recursive: true });
    return workdir;
  }
}

function inMemoryDirectory(): KernelDirectory {
  const ids = new Map<string, string>();
  return {
    get: async (learnerId) => ids.get(learnerId),
    put: async (learnerId, kernelId, replacing) => {
      if (ids.get(learnerId) !== replacing) return false;
      ids.set(learnerId, kernelId);
      return true;
    },
    drop: async (learnerId, kernelId) => void (ids.get(learnerId) === kernelId && ids.delete(learnerId)),
  };
}
