import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions, type StdioOptions } from "node:child_process";
import { waitUntil } from "./wait-until";

export type Env = Record<string, string | undefined>;

/** A command ready to run: what a ProcessLauncher (./launch.ts) turns a ProcessSpec into. */
export type LaunchCommand = { command: string; args: string[]; env: Env; cwd: string };

/** How the leader ended; `error` when it could not be started at all (then `code` is 127, as a shell says). */
export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

export type SpawnFn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export type ProcessGroup = {
  /** The leader's pid, which is also the group's id; -1 when it did not start. */
  pid: number;
  child: ChildProcess;
  /** Resolves when the leader ends (its workers may outlive it: see `kill`). */
  exited: Promise<ExitInfo>;
  /** Whether the leader has ended, for decisions that cannot wait for `exited`. */
  leaderEnded(): boolean;
  /** Any process of the group is still there. */
  alive(): boolean;
  /** SIGKILL to every process still in the group (e.g. workers whose leader died). */
  kill(): void;
  /** SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`. */
  stop(graceMs?: number): Promise<ExitInfo>;
};

export type SpawnGroupOptions = {
  /** Default: no stdin, stdout and stderr piped. More entries give the child more pipes (fd 3, 4, ...). */
  stdio?: StdioOptions;
  /** Every line the process prints on stdout or stderr. */
  onLine?: (line: string) => void;
  spawn?: SpawnFn;
  /**
   * The leader gets SIGTERM when this process ends, however it ends (a SIGKILL or a crash
   * included, when no handler of ours runs): for a server that must not outlive the site that
   * owns it. util-linux's `setpriv` sets the leader's parent-death signal, which its exec keeps.
   */
  endsWithThisProcess?: boolean;
};

/**
 * Starts `command` as the leader of a process group of its own, so that stopping it also stops
 * whatever it started (MLflow's uvicorn workers, Jupyter's kernels, Spark's JVM and Python
 * workers, a sandbox's processes), and so that a Ctrl-C in the terminal reaches only this process,
 * which then stops its groups in order.
 */
export function spawnGroup(launch: LaunchCommand, options: SpawnGroupOptions = {}): ProcessGroup {
  const command = options.endsWithThisProcess ? endingWithParent(launch) : launch;
  const child = (options.spawn ?? nodeSpawn)(command.command, command.args, {
    cwd: command.cwd,
    env: command.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
  });
  let ended = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      ended = true;
      resolve({ code, signal });
    });
    child.once("error", (error) => {
      ended = true;
      options.onLine?.(`failed to start ${command.command}: ${error.message}`);
      resolve({ code: 127, signal: null, error });
    });
  });
  if (options.onLine) {
    forwardLines(child.stdout, options.onLine);
    forwardLines(child.stderr, options.onLine);
  }
  const pid = child.pid ?? -1;
  return {
    pid,
    child,
    exited,
    leaderEnded: () => ended,
    alive: () => groupAlive(pid),
    kill: () => void signalGroup(pid, "SIGKILL"),
    async stop(graceMs = 5000) {
      const started = Date.now();
      signalGroup(pid, "SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const info = await Promise.race([exited, new Promise<null>((resolve) => (timer = setTimeout(resolve, graceMs, null)))]);
      clearTimeout(timer);
      // The leader may be gone while its workers are still shutting down.
      await waitUntil(() => !groupAlive(pid), { timeoutMs: graceMs - (Date.now() - started), intervalMs: 50 }).catch(() => undefined);
      signalGroup(pid, "SIGKILL");
      return info ?? (await exited);
    },
  };
}

/** Sends `signal` to every process of group `pid`; false when there is none (or no such group). */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0);
}

/** Whether process `pid` exists (one of another user's counts: it exists, it may not be signalled). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Resolves once no process of group `pid` is left, or after `timeoutMs` (never rejects). */
export async function waitForGroupToEnd(pid: number, timeoutMs = 5000): Promise<void> {
  await waitUntil(() => !groupAlive(pid), { timeoutMs, intervalMs: 50 }).catch(() => undefined);
}

/** Calls `onLine` for every line of `stream` (the last one too, without its newline). */
export function forwardLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (pending) onLine(pending);
    pending = "";
  });
}

/** `launch`, with SIGTERM as its parent-death signal (Linux: prctl PR_SET_PDEATHSIG, kept across exec). */
export function endingWithParent(launch: LaunchCommand): LaunchCommand {
  return { ...launch, command: "setpriv", args: ["--pdeathsig", "TERM", "--", launch.command, ...launch.args] };
}
