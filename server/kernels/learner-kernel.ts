import { KernelConnection, KernelMessage, type Kernel, type ServerConnection } from "@jupyterlab/services";
import type { CellEvent } from "@/contracts/cell-events";
import type { Completion, KernelState } from "@/contracts/cell-requests";
import { AppError, isAppError } from "../errors/app-error";
import type { KernelModel } from "../jupyter/kernels-api";
import type { KernelWorkdir } from "../launchers/launcher";
import { EventChannel } from "./event-channel";
import { executeCell, type RunLimits } from "./execute-cell";

/** How long a restart may take (Jupyter restarting the kernel, its WebSocket connecting again) before the course lets the kernel go. */
export const RESTART_LIMIT_MS = 90_000;

/**
 * How long a kernel that (re)started gets to answer over its WebSocket before the course opens a new
 * one, growing by this much each time (a kernel under load may take this long to boot).
 */
const ANSWER_WAIT_STEP_MS = 5_000;

/** How long the editor waits for completions before it shows none. */
const COMPLETION_WAIT_MS = 3000;

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

/** What a learner's kernel needs from the course: how to start, find and end kernels, and what its preamble sets. */
export type LearnerKernelOptions = {
  learnerId: string;
  /** Starts, polls and stops kernels (the course's launcher, bound to this learner). */
  kernels: { start(): Promise<KernelModel>; poll(kernelId: string): Promise<KernelModel | null>; stop(kernelId: string): Promise<void> };
  /** The Jupyter server or gateway the kernel's WebSocket connects to. */
  settings: () => ServerConnection.ISettings;
  directory: KernelDirectory;
  /** Where the kernel works. */
  workdir: KernelWorkdir;
  /** The environment the preamble sets: how the kernel reaches MLflow, the learner's workspace, their model server. */
  environment: () => Promise<Record<string, string>>;
  limits: RunLimits;
  /** How long a restart may take before the kernel is let go (default RESTART_LIMIT_MS). */
  restartLimitMs?: number;
  /**
   * What else the learner's cells touch: told when a cell starts and ends (a Spark session is idle
   * only while none runs), how long a cell waited for the course since a time (its time limit leaves
   * that out), and a notice for the next cell (e.g. that the course stopped an idle Spark session).
   */
  around?: { cellStarted(): void; cellEnded(): void; pausedMs(sinceMs: number): number; notice(): string | undefined };
};

/**
 * One learner's kernel: the only thing that changes it. It is started on demand (or found again,
 * when another course instance or an earlier process started it), runs cells one at a time in
 * order, runs the preamble (working folder, environment) whenever the kernel lost its state, and
 * restarts, interrupts and ends it.
 */
export class LearnerKernel {
  private connection: Kernel.IKernelConnection | undefined;
  private connecting: Promise<Kernel.IKernelConnection> | undefined;
  /** True once the kernel lost its state (new, restarted, died): the preamble must run again. */
  private needsPreamble = true;
  /** Runs on this kernel happen one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LearnerKernelOptions) {}

  get learnerId(): string {
    return this.options.learnerId;
  }

  /** Whether the learner has a live kernel connection right now. */
  get running(): boolean {
    return this.live(this.connection) !== undefined;
  }

  /** The course's limits on this learner's cells. */
  get limits(): RunLimits {
    return this.options.limits;
  }

  /** The kernel id, while one is connected (for tests and logs). */
  get kernelId(): string | undefined {
    return this.live(this.connection)?.id;
  }

  /** Runs `code` after the learner's earlier runs and yields its output as it is produced (within the course's limits, or `limits`). */
  async *run(code: string, limits: RunLimits = this.options.limits): AsyncGenerator<CellEvent> {
    const channel = new EventChannel();
    const started = performance.now();
    let release: () => void = () => {};

    const around = this.options.around;
    const run = (async () => {
      channel.push({ type: "status", state: "queued" });
      await this.connect();
      const previous = this.queue;
      this.queue = new Promise<void>((resolve) => (release = resolve));
      await previous.catch(() => undefined);
      const connection = await this.ready();
      channel.push({ type: "status", state: "busy" });
      const notice = around?.notice();
      if (notice) channel.push({ type: "notice", level: "warning", text: notice });
      around?.cellStarted();
      try {
        const execution = await executeCell(connection, code, limits, (event) => channel.push(event), () => this.restart(), started, around?.pausedMs);
        if (execution.lostState) this.needsPreamble = true;
        return execution.done;
      } finally {
        around?.cellEnded();
      }
    })();

    run
      .then((done) => channel.push(done))
      .catch((error: Error) => {
        channel.push({ type: "notice", level: "error", text: error.message });
        channel.push({ type: "done", status: "error", executionCount: null, durationMs: performance.now() - started });
      })
      .finally(() => {
        release();
        channel.close();
      });

    yield* channel;
  }

  /** Starts the kernel and runs its preamble ahead of need. */
  async warm(): Promise<KernelState> {
    const connection = await this.ready();
    return { state: connection.status === "busy" ? "busy" : "idle" };
  }

  /**
   * As `warm`, without waiting (a learner joined or opened a page): their first cell then finds the
   * kernel running. A failure here is not the page's: the first run reports it.
   */
  warmSoon(): void {
    if (this.running) return;
    void this.ready().catch(() => undefined);
  }

  /** Interrupts what the kernel runs; false when there is no kernel. */
  async interrupt(): Promise<boolean> {
    const connection = this.live(this.connection);
    if (!connection) return false;
    await connection.interrupt();
    return true;
  }

  /**
   * Restarts the kernel (its namespace is gone after). A Jupyter or gateway that does not finish
   * within the limit would hold the learner's runs forever: the kernel is then let go, and the next
   * run starts a new one.
   */
  async restart(): Promise<void> {
    const connection = this.live(this.connection);
    if (!connection || connection.status === "dead") {
      await this.forget();
      await this.ready();
      return;
    }
    this.needsPreamble = true;
    const limitMs = this.options.restartLimitMs ?? RESTART_LIMIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<"gave up">((resolve) => (timer = setTimeout(() => resolve("gave up"), limitMs)));
    const outcome = await Promise.race([connection.restart().then(() => "restarted" as const), gaveUp]).finally(() => clearTimeout(timer));
    if (outcome === "gave up") {
      const { id } = connection;
      await this.forget();
      // Not awaited: the Jupyter that did not restart it may not answer this either; it ends the kernel once it does.
      void this.options.kernels.stop(id);
      throw new AppError("jupyter_unreachable", `Your kernel did not come back within ${Math.round(limitMs / 1000)} s of a restart, so the course let it go: the next run starts a new one.`);
    }
    this.queue = Promise.resolve();
  }

  /** Ends the kernel (a reset, a learner removed, the course stopping). */
  async shutdown(): Promise<void> {
    const connection = this.live(this.connection);
    await this.forget();
    if (connection) await connection.shutdown().catch(() => undefined);
  }

  /**
   * Sets environment variables in the running kernel (silently, after whatever it is running); a
   * kernel started later gets them from its preamble.
   */
  async updateEnvironment(variables: Record<string, string>): Promise<void> {
    const connection = this.live(this.connection);
    if (!connection || this.needsPreamble || connection.status === "dead") return;
    const future = connection.requestExecute({ code: `import os as _course_os\n_course_os.environ.update(${JSON.stringify(variables)})\ndel _course_os`, silent: true, store_history: false });
    await future.done.catch(() => undefined);
  }

  /** Completions from the kernel (Jedi), for the editor; none when it does not answer in time. */
  async complete(code: string, cursorPos: number): Promise<Completion> {
    const connection = await this.ready();
    const reply = await Promise.race([
      connection.requestComplete({ code, cursor_pos: cursorPos }),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), COMPLETION_WAIT_MS).unref()),
    ]);
    if (!reply || reply.content.status !== "ok") return { matches: [], cursorStart: cursorPos, cursorEnd: cursorPos };
    return { matches: reply.content.matches.slice(0, 200), cursorStart: reply.content.cursor_start, cursorEnd: reply.content.cursor_end };
  }

  private live(connection: Kernel.IKernelConnection | undefined): Kernel.IKernelConnection | undefined {
    return connection && !connection.isDisposed ? connection : undefined;
  }

  /** The kernel connected (started if needed), its preamble run. */
  private async ready(): Promise<Kernel.IKernelConnection> {
    let connection = await this.connect();
    if (!this.needsPreamble) return connection;
    connection = await this.answering(connection);
    const future = connection.requestExecute({ code: await this.preamble(), silent: true, store_history: false });
    const reply = await future.done;
    if (reply.content.status !== "ok") throw new AppError("jupyter_unreachable", "The Python kernel could not be prepared for this course (its start-up code failed).");
    this.needsPreamble = false;
    return connection;
  }

  /** The live connection, or a new one to the learner's remembered kernel or a new kernel. */
  private connect(): Promise<Kernel.IKernelConnection> {
    const known = this.live(this.connection);
    if (known && known.status !== "dead") return Promise.resolve(known);
    this.connecting ??= this.connectOrStart().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectOrStart(): Promise<Kernel.IKernelConnection> {
    if (this.connection) await this.forget();
    try {
      const model = await this.findOrLaunch();
      this.needsPreamble = true;
      this.queue = Promise.resolve();
      return this.attach(model);
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError("jupyter_unreachable", `The course could not start a Python kernel: Jupyter is not answering (${(error as Error).message}). It is restarted automatically; try again in a few seconds.`);
    }
  }

  /** A new connection (its own WebSocket and Jupyter session) to the kernel `model` names: the learner's from now on. */
  private attach(model: Pick<Kernel.IModel, "id" | "name">): Kernel.IKernelConnection {
    const learnerId = this.options.learnerId;
    const connection = new KernelConnection({ model, serverSettings: this.options.settings(), handleComms: false });
    connection.statusChanged.connect((_, status) => {
      // The kernel's namespace is gone after any restart (ours or Jupyter's auto-restart).
      if (status === "restarting" || status === "autorestarting" || status === "starting") this.needsPreamble = true;
      // What an operator needs when a learner's kernel dies or vanishes (the site's log).
      if (status === "autorestarting" || status === "dead") console.error(`Kernel ${connection.id} of learner ${learnerId}: ${status}`);
    });
    connection.connectionStatusChanged.connect((_, status) => {
      if (status !== "connected" && !connection.isDisposed) console.error(`Kernel ${connection.id} of learner ${learnerId}: its WebSocket is ${status}`);
    });
    this.connection = connection;
    return connection;
  }

  /** The learner's remembered kernel if its server still has it; else a new one, unless another instance started one meanwhile. */
  private async findOrLaunch(): Promise<Kernel.IModel> {
    const { directory, kernels, learnerId } = this.options;
    const alive = async (id: string | undefined) => (id ? await kernels.poll(id) : null);
    const rememberedId = await directory.get(learnerId);
    const existing = await alive(rememberedId);
    if (existing) return existing;
    const launched = await kernels.start();
    if (await directory.put(learnerId, launched.id, rememberedId)) return launched;
    // Another instance remembered a kernel for this learner first: use that one, and end ours.
    const theirs = await alive(await directory.get(learnerId));
    if (theirs) {
      await kernels.stop(launched.id);
      return theirs;
    }
    const current = await directory.get(learnerId);
    await directory.put(learnerId, launched.id, current);
    return launched;
  }

  /**
   * Waits until the (re)started kernel answers over this connection. A gateway that restarts a
   * dead kernel may give it new ports, and a WebSocket opened while that restart was under way
   * (@jupyterlab/services opens one at once on "restarting") stays wired to the old ports: nothing
   * sent on it ever arrives, and the next death is never heard of either. A new connection reads
   * the new ports, so one is made whenever the kernel does not answer in time: a new Jupyter
   * session too, since Jupyter Server would restore a reconnecting session's old channels. After
   * the restart limit the kernel is let go, and the next run starts a new one. Returns the
   * connection that answered.
   */
  private async answering(first: Kernel.IKernelConnection): Promise<Kernel.IKernelConnection> {
    const limitMs = this.options.restartLimitMs ?? RESTART_LIMIT_MS;
    const deadline = Date.now() + limitMs;
    let connection = first;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      const waitMs = Math.min(ANSWER_WAIT_STEP_MS * attempt, Math.max(0, deadline - Date.now()));
      if (await answersWithin(connection, waitMs)) return connection;
      if (connection.isDisposed || connection !== this.connection || Date.now() >= deadline) break;
      console.error(`Kernel ${connection.id} of learner ${this.options.learnerId}: no answer within ${Math.round(waitMs / 1000)} s of (re)starting; connecting to it anew (attempt ${attempt})`);
      const { id, name } = connection;
      connection.dispose();
      connection = this.attach({ id, name });
    }
    const { id } = connection;
    await this.forget();
    void this.options.kernels.stop(id).catch(() => undefined);
    throw new AppError("jupyter_unreachable", `Your kernel did not answer within ${Math.round(limitMs / 1000)} s of starting, so the course let it go: run the cell again to start a new one.`);
  }

  /** Forgets the connection (and the directory's note of it, if still this kernel's: another instance may have a newer one). */
  private async forget(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.dispose();
    await this.options.directory.drop(this.options.learnerId, connection.id).catch(() => undefined);
  }

  private async preamble(): Promise<string> {
    const env = await this.options.environment();
    const { workdir } = this.options;
    // A kernel elsewhere makes its folder below where it started; the first preamble fixes the
    // absolute path in the kernel's environment, so a later one (another instance) finds the same.
    const folder =
      workdir.kind === "below-start"
        ? `_course_os.environ.setdefault("COURSE_WORKDIR", _course_os.path.abspath(${JSON.stringify(workdir.relative)}))`
        : JSON.stringify(workdir.path);
    return [
      "import os as _course_os",
      `_course_workdir = ${folder}`,
      "_course_os.makedirs(_course_workdir, exist_ok=True)",
      "_course_os.chdir(_course_workdir)",
      `_course_os.environ.update(${JSON.stringify(env)})`,
      "del _course_os, _course_workdir",
    ].join("\n");
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** How often a kernel_info request is sent again while waiting for an answer. */
const NUDGE_EVERY_MS = 1_000;

/**
 * Whether the kernel answers over `connection` within `waitMs` (once its WebSocket is up): a
 * kernel_info request's reply and its idle status, which proves the output channel (iopub) works
 * too. Sent again every second, as Jupyter Server's own nudge does: a fresh WebSocket's iopub
 * subscription may not be in place for the first answer.
 */
async function answersWithin(connection: Kernel.IKernelConnection, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  while (connection.connectionStatus !== "connected") {
    if (connection.isDisposed || Date.now() >= until) return false;
    await sleep(50);
  }
  const asked: Kernel.IShellFuture[] = [];
  try {
    let answered = false;
    const anyAnswer = new Promise<void>((resolve) => {
      const ask = () => {
        if (answered || connection.isDisposed || connection.connectionStatus !== "connected" || Date.now() >= until) return;
        const request = KernelMessage.createMessage({ msgType: "kernel_info_request", channel: "shell", session: connection.clientId, username: connection.username, content: {} });
        try {
          const future = connection.sendShellMessage(request, true, true);
          asked.push(future);
          future.done.then(
            () => {
              answered = true;
              resolve();
            },
            () => undefined,
          );
        } catch {
          // Not sendable right now (reconnecting): the next nudge tries again.
        }
        setTimeout(ask, NUDGE_EVERY_MS).unref();
      };
      ask();
    });
    await Promise.race([anyAnswer, sleep(Math.max(0, until - Date.now()))]);
    return answered;
  } finally {
    for (const future of asked) if (!future.isDisposed) future.dispose();
  }
}
