import type { Env, LaunchCommand } from "./process-group";

export type { Env, LaunchCommand };

/**
 * A process that runs learner code or loads a learner-made model (a model server, the Spark
 * Check's helper, the expected-predictions helper), before anyone decided how it is started.
 */
export type ProcessSpec = LaunchCommand & {
  /** Folders the process writes (its scratch folder); nothing else is writable in a sandbox. */
  writable: string[];
  /** Files of the course the process reads (its script); nothing else of the course is visible in a sandbox. */
  readOnlyFiles: string[];
};

/**
 * Turns a spec into the command that starts it. The grader's command line, on a learner's own
 * machine, starts processes as they are (`launchDirectly`); the course passes its sandbox's
 * launcher (server/sandbox/sandboxed-process.ts), which wraps the same process in
 * `python/sandbox_launch.py run`. Either way the command is then started by this toolkit, in a
 * process group of its own: `spawnGroup` (./process-group.ts) for a server, `runProcess`
 * (./run-process.ts) for a helper that runs to its end under a time limit.
 */
export type ProcessLauncher = (spec: ProcessSpec) => LaunchCommand;

export const launchDirectly: ProcessLauncher = ({ command, args, env, cwd }) => ({ command, args, env, cwd });
