import { spawnGroup, waitForGroupToEnd, type LaunchCommand, type ProcessGroup } from "./process-group";
import { waitUntil } from "./wait-until";

/** What is kept of a starting process's output, for its error message. */
const KEPT_CHARS = 200_000;

export type StartedGroup = { group: ProcessGroup; output(): string };

/**
 * Starts `command` as a process group of its own and resolves once a line it prints (stdout or
 * stderr) contains `readyWhen`, as the course's supervisor prints COURSE_READY. Rejects, with what
 * it printed, when it ends first or `timeoutMs` passes; the group is then killed.
 */
export async function startUntilOutput(command: LaunchCommand, options: { readyWhen: string; timeoutMs: number; what: string }): Promise<StartedGroup> {
  let output = "";
  let ready = false;
  const group = spawnGroup(command, {
    onLine: (line) => {
      output = `${output}${line}\n`.slice(-KEPT_CHARS);
      if (line.includes(options.readyWhen)) ready = true;
    },
  });
  try {
    await waitUntil(
      () => {
        if (ready) return true;
        if (group.leaderEnded()) throw new Error(`${options.what} ended before it was ready:\n${output}`);
        return false;
      },
      { timeoutMs: options.timeoutMs, intervalMs: 100, probeErrors: "fail", what: options.what, details: () => output },
    );
  } catch (error) {
    // Nothing it started outlives the failed start.
    group.kill();
    await group.exited;
    await waitForGroupToEnd(group.pid);
    throw error;
  }
  return { group, output: () => output };
}
