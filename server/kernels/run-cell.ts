import type { KernelMessage } from "@jupyterlab/services";
import type { CellEvent, CellRunStatus } from "@/contracts/cell-events";
import type { KernelPool, LearnerKernel } from "./kernel-pool";
import { sanitizeKernelHtml } from "./sanitize-output";

export type RunLimits = {
  /** A cell running longer is interrupted (then the kernel restarted if that fails). */
  timeLimitMs: number;
  /** Output beyond this many bytes is dropped with a visible note. */
  outputCapBytes: number;
  /** How long an interrupt may take before the kernel is restarted. */
  interruptGraceMs: number;
  /** The memory the learner's sandbox allows, in MB (the likely reason a kernel stops there). */
  memoryLimitMb?: number;
};

export const DEFAULT_LIMITS: RunLimits = { timeLimitMs: 120_000, outputCapBytes: 1_000_000, interruptGraceMs: 5_000 };

/**
 * Runs `code` on the learner's kernel and yields its output as it is produced.
 * Runs on one kernel are queued: a second run starts when the first is done.
 */
export async function* runCell(pool: KernelPool, learnerId: string, code: string, limits: RunLimits = DEFAULT_LIMITS): AsyncGenerator<CellEvent> {
  const channel = new EventChannel();
  const started = performance.now();
  let kernel: LearnerKernel | undefined;
  let release: () => void = () => {};

  const run = (async () => {
    channel.push({ type: "status", state: "queued" });
    kernel = await pool.kernelFor(learnerId);
    const previous = kernel.queue;
    kernel.queue = new Promise<void>((resolve) => (release = resolve));
    await previous.catch(() => undefined);
    if (kernel.connection.isDisposed || kernel.connection.status === "dead") kernel = await pool.kernelFor(learnerId);
    await pool.prepare(kernel);
    channel.push({ type: "status", state: "busy" });
    return execute(pool, kernel, code, limits, channel, started);
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

async function execute(
  pool: KernelPool,
  kernel: LearnerKernel,
  code: string,
  limits: RunLimits,
  channel: EventChannel,
  started: number,
): Promise<CellEvent> {
  const connection = kernel.connection;
  let sentBytes = 0;
  let capped = false;
  let executionCount: number | null = null;
  let status: CellRunStatus = "ok";

  const emit = (event: CellEvent) => {
    const size = JSON.stringify(event).length;
    if (capped) return;
    if (sentBytes + size > limits.outputCapBytes) {
      capped = true;
      channel.push({
        type: "notice",
        level: "warning",
        text: `This cell printed more than ${Math.round(limits.outputCapBytes / 1_000_000)} MB of output; the rest is not shown.`,
      });
      return;
    }
    sentBytes += size;
    channel.push(event);
  };

  const future = connection.requestExecute({ code, stop_on_error: true, allow_stdin: false, store_history: true });
  future.onIOPub = (message) => {
    const event = toCellEvent(message);
    if (!event) return;
    if (event.type === "error") {
      status = "error";
      channel.push(event);
      return;
    }
    emit(event);
  };

  const finished = future.done.then(
    (reply) => {
      executionCount = reply.content.execution_count ?? null;
      if (reply.content.status === "error" && status === "ok") status = "error";
      if (reply.content.status === "aborted") status = "interrupted";
      return "finished" as const;
    },
    () => "disposed" as const,
  );

  // The kernel dying mid-run (os._exit, a segfault, out of memory) never sends a reply.
  let onStatus: ((sender: unknown, state: string) => void) | undefined;
  const died = new Promise<"died">((resolve) => {
    onStatus = (_, state) => {
      if (state === "autorestarting" || state === "dead") resolve("died");
    };
    connection.statusChanged.connect(onStatus);
  });
  const timedOut = sleep(limits.timeLimitMs).then(() => "timeout" as const);

  try {
    const outcome = await Promise.race([finished, died, timedOut]);
    if (outcome === "died") {
      status = "dead";
      kernel.needsPreamble = true;
      channel.push({
        type: "notice",
        level: "error",
        text:
          "The Python kernel stopped while running this cell (the process exited" +
          (limits.memoryLimitMb ? `; the likeliest reason is that it needed more than the ${limits.memoryLimitMb} MB of memory the course gives each learner` : "") +
          "). The course restarted it: variables from earlier cells are gone, so run the cells above again.",
      });
      future.dispose();
    } else if (outcome === "disposed") {
      // The run was cut off from outside (the kernel restarted, by the learner or the course): no reply will come.
      status = "interrupted";
      kernel.needsPreamble = true;
      channel.push({ type: "notice", level: "warning", text: "The kernel was restarted while this cell ran, so it did not finish: variables from earlier cells are gone; run the cells above again." });
    } else if (outcome === "timeout") {
      status = "timeout";
      const seconds = Math.round(limits.timeLimitMs / 1000);
      channel.push({ type: "notice", level: "warning", text: `This cell ran for more than ${seconds} s, so the course interrupted it.` });
      // Asking Jupyter to interrupt waits for its answer at most the grace, like the interrupt itself.
      const grace = sleep(limits.interruptGraceMs).then(() => "stuck" as const);
      await Promise.race([connection.interrupt().catch(() => undefined), grace]);
      const afterInterrupt = await Promise.race([finished, died, grace]);
      if (afterInterrupt !== "finished") {
        future.dispose();
        const restarted = await pool.restart(kernel.learnerId).then(
          () => "The interrupt did not stop it, so the kernel was restarted: variables from earlier cells are gone; run the cells above again.",
          (error: Error) => `The interrupt did not stop it, and the restart failed. ${error.message} Variables from earlier cells are gone; run the cells above again.`,
        );
        channel.push({ type: "notice", level: "error", text: restarted });
      }
      status = "timeout";
    }
  } finally {
    if (onStatus) connection.statusChanged.disconnect(onStatus);
  }
  return { type: "done", status, executionCount, durationMs: Math.round(performance.now() - started) };
}

function toCellEvent(message: KernelMessage.IIOPubMessage): CellEvent | null {
  const type = message.header.msg_type;
  const content = message.content as Record<string, unknown>;
  switch (type) {
    case "stream":
      return { type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") };
    case "display_data":
    case "execute_result":
    case "update_display_data":
      return fromMimeBundle((content.data ?? {}) as Record<string, unknown>);
    case "error":
      return {
        type: "error",
        ename: String(content.ename ?? "Error"),
        evalue: String(content.evalue ?? ""),
        traceback: (content.traceback as string[] | undefined) ?? [],
      };
    case "clear_output":
      return { type: "clear", wait: Boolean(content.wait) };
    default:
      return null;
  }
}

function fromMimeBundle(data: Record<string, unknown>): CellEvent | null {
  const plain = typeof data["text/plain"] === "string" ? (data["text/plain"] as string) : undefined;
  if (typeof data["text/html"] === "string") return { type: "html", html: sanitizeKernelHtml(data["text/html"]) };
  if (typeof data["image/png"] === "string") return { type: "image", mime: "image/png", data: data["image/png"].trim(), alt: plain };
  if (typeof data["image/jpeg"] === "string") return { type: "image", mime: "image/jpeg", data: data["image/jpeg"].trim(), alt: plain };
  if (plain !== undefined) return { type: "text", text: plain };
  return null;
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());
}

/** A small async queue: producers push, the generator consumer awaits. */
class EventChannel implements AsyncIterable<CellEvent> {
  private buffer: CellEvent[] = [];
  private waiting: ((result: IteratorResult<CellEvent>) => void) | null = null;
  private closed = false;

  push(event: CellEvent) {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else {
      this.buffer.push(event);
    }
  }

  close() {
    this.closed = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<CellEvent> {
    return {
      next: () => {
        const event = this.buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}
