import type { Kernel, KernelMessage } from "@jupyterlab/services";
import type { CellEvent, CellRunStatus } from "@/contracts/cell-events";
import type { CourseConfig } from "../config/config";
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

/** How long an interrupt may take before the kernel is restarted. */
const INTERRUPT_GRACE_MS = 5_000;

/** A cell's limits, from the course's configuration (CELL_TIME_LIMIT_SECONDS, the output cap, the sandbox's memory). */
export function cellRunLimits(config: Pick<CourseConfig, "cells" | "sandbox">): RunLimits {
  return {
    timeLimitMs: config.cells.timeLimitSeconds * 1000,
    outputCapBytes: config.cells.outputCapBytes,
    interruptGraceMs: INTERRUPT_GRACE_MS,
    ...(config.sandbox.enabled ? { memoryLimitMb: config.sandbox.memoryMb } : {}),
  };
}

/**
 * How one execution ended, for the kernel that ran it: `lostState` when the kernel's namespace is
 * gone (it died, or was restarted while the cell ran), so the preamble must run again.
 */
export type Execution = { done: Extract<CellEvent, { type: "done" }>; lostState: boolean };

/**
 * Executes `code` on `connection`, pushing its output as cell events, within `limits`: output past
 * the cap is dropped with a note; a cell past the time limit is interrupted, and if that does not
 * stop it, `restart` is asked to restart the kernel; a kernel that dies mid-run is reported.
 */
export async function executeCell(
  connection: Kernel.IKernelConnection,
  code: string,
  limits: RunLimits,
  push: (event: CellEvent) => void,
  restart: () => Promise<void>,
  started: number,
  /** Milliseconds since a wall-clock time that the cell spent waiting for the course (a Spark slot): not counted against its time limit. */
  pausedMs: (sinceMs: number) => number = () => 0,
): Promise<Execution> {
  let lostState = false;
  let sentBytes = 0;
  let capped = false;
  let executionCount: number | null = null;
  let status: CellRunStatus = "ok";

  const emit = (event: CellEvent) => {
    const size = JSON.stringify(event).length;
    if (capped) return;
    if (sentBytes + size > limits.outputCapBytes) {
      capped = true;
      push({
        type: "notice",
        level: "warning",
        text: `This cell printed more than ${Math.round(limits.outputCapBytes / 1_000_000)} MB of output; the rest is not shown.`,
      });
      return;
    }
    sentBytes += size;
    push(event);
  };

  const future = connection.requestExecute({ code, stop_on_error: true, allow_stdin: false, store_history: true });
  future.onIOPub = (message) => {
    const event = toCellEvent(message);
    if (!event) return;
    if (event.type === "error") {
      status = "error";
      push(event);
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
  const timedOut = timeLimit(limits.timeLimitMs, Date.now(), pausedMs).then(() => "timeout" as const);

  try {
    const outcome = await Promise.race([finished, died, timedOut]);
    if (outcome === "died") {
      status = "dead";
      lostState = true;
      push({
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
      lostState = true;
      push({ type: "notice", level: "warning", text: "The kernel was restarted while this cell ran, so it did not finish: variables from earlier cells are gone; run the cells above again." });
    } else if (outcome === "timeout") {
      status = "timeout";
      const seconds = Math.round(limits.timeLimitMs / 1000);
      push({ type: "notice", level: "warning", text: `This cell ran for more than ${seconds} s, so the course interrupted it.` });
      // Asking Jupyter to interrupt waits for its answer at most the grace, like the interrupt itself.
      const grace = sleep(limits.interruptGraceMs).then(() => "stuck" as const);
      await Promise.race([connection.interrupt().catch(() => undefined), grace]);
      const afterInterrupt = await Promise.race([finished, died, grace]);
      if (afterInterrupt !== "finished") {
        future.dispose();
        lostState = true;
        const restarted = await restart().then(
          () => "The interrupt did not stop it, so the kernel was restarted: variables from earlier cells are gone; run the cells above again.",
          (error: Error) => `The interrupt did not stop it, and the restart failed. ${error.message} Variables from earlier cells are gone; run the cells above again.`,
        );
        push({ type: "notice", level: "error", text: restarted });
      }
      status = "timeout";
    }
  } finally {
    if (onStatus) connection.statusChanged.disconnect(onStatus);
  }
  return { done: { type: "done", status, executionCount, durationMs: Math.round(performance.now() - started) }, lostState };
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

/** Resolves once `limitMs` of the cell's own time has passed since `sinceMs`, its waits for the course left out. */
async function timeLimit(limitMs: number, sinceMs: number, pausedMs: (sinceMs: number) => number): Promise<void> {
  for (;;) {
    const remaining = sinceMs + limitMs + pausedMs(sinceMs) - Date.now();
    if (remaining <= 0) return;
    await sleep(remaining);
  }
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());
}
