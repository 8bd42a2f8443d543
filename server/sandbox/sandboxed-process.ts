import path from "node:path";
import { SANDBOX_PASSED_ON_ENV } from "@/contracts/launch-description";
import type { LaunchCommand, ProcessLauncher, ProcessSpec } from "@/lib/process/launch";
import type { CourseConfig } from "../config/config";
import { writeLaunchDescription } from "./launch-description";

export type SandboxPlacement = {
  /**
   * `learner`: the learner's own network namespace, shared with their kernel (model servers, so
   * lesson cells reach them on 127.0.0.1). `own`: a namespace of its own (the Check's helpers).
   */
  network: "learner" | "own";
  /** The learner's cgroup, or the one their Checks' helpers share (so a Check cannot end their kernel). */
  cgroup: "learner" | "check";
  /** The port inside the sandbox that the course reaches over COURSE_SANDBOX_DIR/<learner>/serve/model.sock. */
  servePort?: number;
  /**
   * The process may be a fork of the kernel forker (python/kernel_forker.py) where one listens, in
   * the same sandbox: `model-server` for python/course_scoring_server.py, the only command it takes.
   */
  fork?: "model-server";
};

export function launcherScript(config: CourseConfig): string {
  return path.join(config.projectRoot, "python", "sandbox_launch.py");
}

/**
 * The command that starts `spec` in the learner's sandbox through python/sandbox_launch.py, the
 * one launcher of every process that runs learner code or loads a learner-made model. What the
 * process gets of `spec.env` is the launch description's environment plus SANDBOX_PASSED_ON_ENV
 * (the description names them too, and the launcher refuses any other); its MLflow
 * is the gate, with the learner's token.
 */
export function sandboxedCommand(config: CourseConfig, learner: { id: string; gateToken: string }, spec: ProcessSpec, placement: SandboxPlacement): LaunchCommand {
  const learnerId = learner.id;
  writeLaunchDescription(config, learnerId, learner.gateToken);
  const passed = SANDBOX_PASSED_ON_ENV.flatMap((name) => (spec.env[name] !== undefined ? ["--env", `${name}=${spec.env[name]}`] : []));
  return {
    command: path.join(config.python.bin, "python"),
    args: [
      launcherScript(config),
      "run",
      "--learner", learnerId,
      "--network", placement.network,
      "--cgroup", placement.cgroup,
      "--chdir", spec.cwd,
      ...spec.writable.flatMap((folder) => ["--writable", folder]),
      ...spec.readOnlyFiles.flatMap((file) => ["--read-only-file", file]),
      ...passed,
      ...(placement.servePort ? ["--serve-socket", String(placement.servePort)] : []),
      ...(placement.fork ? ["--fork", placement.fork] : []),
      "--",
      spec.command,
      ...spec.args,
    ],
    // The launcher's own environment: where launch descriptions are, and the system's tools (bwrap, nsenter, ip).
    env: { COURSE_SANDBOX_DIR: config.sandbox.dir, PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
    cwd: spec.cwd,
  };
}

/** Where the course reaches a learner's sandboxed model server (a unix socket only the course's user can open). */
export function modelServerSocket(config: CourseConfig, learnerId: string): string {
  return path.join(config.sandbox.dir, learnerId, "serve", "model.sock");
}
