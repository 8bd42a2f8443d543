import type { Readable, Writable } from "node:stream";
import { CappedText, type OutputCap } from "./capped-text";
import { spawnGroup, waitForGroupToEnd, type LaunchCommand, type ProcessGroup, type SpawnFn } from "./process-group";

export type RunOptions = {
  /** Written to the process's stdin, which is then closed; without it the process gets no stdin. */
  stdin?: string;
  /** The time limit: the whole group is killed when it is reached (Infinity: none). */
  timeoutMs: number;
  /**
   * At the time limit (and on abort): SIGTERM to the group and SIGKILL after this grace, or SIGKILL at
   * once when 0 (a learner's code may ignore SIGTERM). Default 2 s.
   */
  killGraceMs?: number;
  /** Aborting kills the group as the time limit does; the result then says `aborted`. */
  signal?: AbortSignal;
  /** What is kept of stdout (default: the first 16 M characters) and stderr (default: the last 20 000). */
  stdout?: OutputCap;
  stderr?: OutputCap;
  /** Every chunk of output as it comes, e.g. for reading it line by line. */
  onOutput?: (chunk: string, from: "stdout" | "stderr") => void;
  /** Pipes beyond stdin, stdout and stderr (file descriptors 3, 4, ...), handed to `withPipes` once started. */
  extraPipes?: number;
  withPipes?: (pipes: Array<Readable & Writable>, group: ProcessGroup) => void;
  spawn?: SpawnFn;
};

export type RunResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  aborted: boolean;
};

/** The command could not be started at all (not found, not executable, bad working folder). */
export class SpawnError extends Error {
  override name = "SpawnError";
  constructor(
    readonly command: string,
    override readonly cause: Error,
  ) {
    super(`could not start ${command} (${cause.message})`);
  }
}

const DEFAULT_STDOUT: OutputCap = { maxChars: 16 * 1024 * 1024, keep: "head" };
const DEFAULT_STDERR: OutputCap = { maxChars: 20_000, keep: "tail" };
/** How long to wait, after the leader ended, for whoever else holds its pipes (a process that left the group). */
const LINGER_MS = 5000;

/**
 * Runs a command to its end in a process group of its own, with a time limit, and collects its
 * output up to a cap. When the leader ends, whatever it left behind in its group is killed; the
 * result comes once every process of the group is gone (at most 5 s later), so nothing the run
 * started outlives it. Rejects with SpawnError only when the command could not be started.
 */
export function runProcess(command: LaunchCommand, options: RunOptions): Promise<RunResult> {
  const stdout = new CappedText(options.stdout ?? DEFAULT_STDOUT);
  const stderr = new CappedText(options.stderr ?? DEFAULT_STDERR);
  if (options.signal?.aborted) {
    return Promise.resolve({ code: null, signal: null, stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false, timedOut: false, aborted: true });
  }
  return new Promise((resolve, reject) => {
    const extra = Array.from({ length: options.extraPipes ?? 0 }, () => "pipe" as const);
    const group = spawnGroup(command, { stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe", ...extra], spawn: options.spawn });
    const { child } = group;
    let timedOut = false;
    let aborted = false;
    let terminating = false;
    let lingering: NodeJS.Timeout | undefined;

    const terminate = () => {
      const grace = options.killGraceMs ?? 2000;
      if (grace <= 0) return group.kill();
      if (terminating) return;
      terminating = true;
      void group.stop(grace);
    };
    // No limit at all is Infinity (setTimeout would take it for 1 ms).
    const timer = Number.isFinite(options.timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          terminate();
        }, options.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };

    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout.append(chunk);
      options.onOutput?.(chunk, "stdout");
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr.append(chunk);
      options.onOutput?.(chunk, "stderr");
    });
    options.withPipes?.(child.stdio.slice(3) as Array<Readable & Writable>, group);

    child.once("error", (error) => {
      settle();
      reject(new SpawnError(command.command, error));
    });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.once("exit", (code, signal) => {
      settle();
      exit = { code, signal };
      // Whatever the leader left behind (a JVM still shutting down, a worker) goes with it.
      group.kill();
      // A process that left the group (setsid) may still hold the pipes: stop waiting for it.
      lingering = setTimeout(() => {
        for (const stream of child.stdio) stream?.destroy();
      }, LINGER_MS);
    });
    // `close` comes once every holder of the pipes is gone.
    child.once("close", (code, signal) => {
      settle();
      clearTimeout(lingering);
      void waitForGroupToEnd(group.pid).then(() =>
        resolve({
          code: exit?.code ?? code,
          signal: exit?.signal ?? signal,
          stdout: stdout.text,
          stderr: stderr.text,
          stdoutTruncated: stdout.truncated,
          stderrTruncated: stderr.truncated,
          timedOut,
          aborted,
        }),
      );
    });
    if (options.stdin !== undefined) {
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(options.stdin);
    }
  });
}
