import fs from "node:fs";
import path from "node:path";
import { KernelAPI, KernelConnection, type Kernel, type ServerConnection } from "@jupyterlab/services";
import { AppError } from "../errors/app-error";
import { jupyterSettings } from "../jupyter/connection-settings";
import type { CourseConfig } from "../config/config";
import { launchKernel } from "./launch-kernel";

export type KernelPoolOptions = {
  jupyterUrl: string;
  token: string;
  /** Folder where learner -> kernel id is remembered, so a restarted app finds its kernels. */
  runDir: string;
  /** The Jupyter server's root; each learner works in <root>/<learner id>. */
  learnersRoot: string;
  /** Environment every learner's kernel gets (e.g. MLFLOW_TRACKING_URI). */
  kernelEnv: (learnerId: string) => Record<string, string> | Promise<Record<string, string>>;
  /** Start kernels in the course's sandbox (COURSE_SANDBOX=on): the course's configuration. */
  sandbox?: CourseConfig;
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

  constructor(private readonly options: KernelPoolOptions) {
    this.settings = jupyterSettings(options.jupyterUrl, options.token);
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
      if (kernel) this.forget(learnerId);
      return this.kernelFor(learnerId);
    }
    kernel.needsPreamble = true;
    await kernel.connection.restart();
    kernel.queue = Promise.resolve();
    return kernel;
  }

  /** Shuts the learner's kernel down (used by resets and tests). */
  async shutdown(learnerId: string): Promise<void> {
    const kernel = this.peek(learnerId);
    this.forget(learnerId);
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

  private forget(learnerId: string) {
    const kernel = this.kernels.get(learnerId);
    this.kernels.delete(learnerId);
    this.writeRemembered({ ...this.readRemembered(), [learnerId]: undefined });
    kernel?.connection.dispose();
  }

  private async connectOrStart(learnerId: string): Promise<LearnerKernel> {
    const stale = this.kernels.get(learnerId);
    if (stale) this.forget(learnerId);
    try {
      const rememberedId = this.readRemembered()[learnerId];
      const existing = rememberedId ? await KernelAPI.getKernelModel(rememberedId, this.settings).catch(() => undefined) : undefined;
      const model = existing ?? (await launchKernel({ learnerId, workdir: learnerId, settings: this.settings, sandbox: this.options.sandbox }));
      const connection = new KernelConnection({ model, serverSettings: this.settings, handleComms: false });
      const kernel: LearnerKernel = { learnerId, connection, needsPreamble: true, queue: Promise.resolve() };
      connection.statusChanged.connect((_, status) => {
        // The kernel's namespace is gone after any restart (ours or Jupyter's auto-restart).
        if (status === "restarting" || status === "autorestarting" || status === "starting") kernel.needsPreamble = true;
      });
      this.kernels.set(learnerId, kernel);
      this.writeRemembered({ ...this.readRemembered(), [learnerId]: model.id });
      await this.prepare(kernel);
      return kernel;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("jupyter_unreachable", `The course could not start a Python kernel: Jupyter is not answering (${(error as Error).message}). It is restarted automatically; try again in a few seconds.`);
    }
  }

  private async preamble(learnerId: string): Promise<string> {
    const workdir = path.join(this.options.learnersRoot, learnerId);
    fs.mkdirSync(workdir, { recursive: true });
    const env = await this.options.kernelEnv(learnerId);
    return [
      "import os as _course_os",
      `_course_os.makedirs(${JSON.stringify(workdir)}, exist_ok=True)`,
      `_course_os.chdir(${JSON.stringify(workdir)})`,
      `_course_os.environ.update(${JSON.stringify(env)})`,
      "del _course_os",
      "%matplotlib inline",
    ].join("\n");
  }

  private rememberedFile() {
    return path.join(this.options.runDir, "kernels.json");
  }

  private readRemembered(): Record<string, string | undefined> {
    try {
      return JSON.parse(fs.readFileSync(this.rememberedFile(), "utf8")) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private writeRemembered(map: Record<string, string | undefined>) {
    fs.mkdirSync(this.options.runDir, { recursive: true });
    fs.writeFileSync(this.rememberedFile(), JSON.stringify(Object.fromEntries(Object.entries(map).filter(([, id]) => id)), null, 2));
  }
}
