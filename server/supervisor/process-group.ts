import type { Env } from "../config/config";
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export type SpawnFn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export type ProcessSpec = {
  command: string;
  args: string[];
  env: Env;
  cwd: string;
};

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export type RunningProcess = {
  pid: number;
  exited: Promise<ExitInfo>;
  /** SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL to every process still in the group (e.g. workers whose parent died). */
  killGroup(): void;
};

/**
 * Each child leads its own process group so that stopping it also stops the
 * workers it forked (MLflow's uvicorn workers, Jupyter's kernels) and so that
 * a Ctrl-C in the terminal reaches only the supervisor, which then stops them
 * in order.
 */
export function startProcessGroup(
  spec: ProcessSpec,
  onOutput: (line: string) => void,
  spawn: SpawnFn = nodeSpawn,
): RunningProcess {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      onOutput(`failed to start ${spec.command}: ${error.message}`);
      resolve({ code: 127, signal: null });
    });
  });
  forwardLines(child.stdout, onOutput);
  forwardLines(child.stderr, onOutput);
  const pid = child.pid ?? -1;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (pid <= 0) return false;
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  };

  return {
    pid,
    exited,
    killGroup: () => void signalGroup("SIGKILL"),
    async stop(graceMs = 5000) {
      signalGroup("SIGTERM");
      const deadline = Date.now() + graceMs;
      const info = await Promise.race([exited, delay(graceMs).then(() => null)]);
      // The leader may be gone while its workers are still shutting down.
      while (Date.now() < deadline && groupAlive(pid)) await delay(50);
      signalGroup("SIGKILL");
      return info ?? (await exited);
    },
  };
}

export function groupAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) {
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

function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
