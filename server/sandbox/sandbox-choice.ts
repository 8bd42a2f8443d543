import { spawnSync } from "node:child_process";
import path from "node:path";
import type { CourseConfig } from "../config/config";
import { courseSandboxId, sandboxNetnsPrefix } from "./launch-description";

/** `warnings`: limits the machine cannot give although the sandbox works (e.g. no cgroups). */
export type SandboxProbe = { ok: true; warnings?: string[] } | { ok: false; reason: string };

function runLauncher(config: CourseConfig, args: string[]) {
  return spawnSync(path.join(config.python.bin, "python"), [path.join(config.projectRoot, "python", "sandbox_launch.py"), ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ""}`, LANG: "C.UTF-8", COURSE_SANDBOX_DIR: config.sandbox.dir } as unknown as NodeJS.ProcessEnv,
  });
}

/** Whether this machine can make the learner-code sandbox (python/sandbox_launch.py probe). */
export function probeSandbox(config: CourseConfig): SandboxProbe {
  const probe = runLauncher(config, ["probe"]);
  if (probe.status === 0) {
    const warnings = probe.stdout.split("\n").flatMap((line) => (line.startsWith("warning: ") ? [line.slice("warning: ".length)] : []));
    return { ok: true, ...(warnings.length ? { warnings } : {}) };
  }
  return { ok: false, reason: probe.stdout.trim() || probe.error?.message || probe.stderr.trim().split("\n").at(-1) || `the probe ended with ${probe.status ?? probe.signal}` };
}

export class SandboxRefusal extends Error {}

/**
 * What the course runs with, from COURSE_SANDBOX and the machine:
 * - `on`: the sandbox, or no start;
 * - `auto` (unset): the sandbox where the machine can make one; a class refuses to start
 *   without one, solo mode says why once and runs learner code as the course's user;
 * - `off`: no sandbox; a class then warns on every start (and the instructor page shows it).
 */
export function chooseSandbox(config: CourseConfig, log: (line: string) => void, probe = () => probeSandbox(config)): CourseConfig {
  const requested = config.sandbox.requested;
  const use = (enabled: boolean): CourseConfig => ({ ...config, sandbox: { ...config.sandbox, enabled, decided: true } });
  if (requested === "off") {
    if (config.mode === "classroom") {
      log("WARNING: COURSE_SANDBOX=off: learner code runs as the course's own user, with its rights. Any learner can read the course's secrets and other learners' work. Do not use this with a class you do not trust.");
    }
    return use(false);
  }
  const probed = probe();
  if (probed.ok) {
    for (const warning of probed.warnings ?? []) log(`Learner code runs in the sandbox, but ${warning}.`);
    return use(true);
  }
  if (requested === "on") {
    throw new SandboxRefusal(`COURSE_SANDBOX=on, but this machine cannot sandbox learner code: ${probed.reason}.`);
  }
  if (config.mode === "classroom") {
    throw new SandboxRefusal(
      `Classroom mode runs learner code in a sandbox, and this machine cannot make one: ${probed.reason}. ` +
        "Install what is missing and start again; or, only for a class you trust, start with COURSE_SANDBOX=off.",
    );
  }
  log(`Learner code runs without a sandbox here (${probed.reason}); that is fine for one learner on their own machine.`);
  return use(false);
}

/** After the course's services stopped: its learners' network namespaces and cgroups go. */
export function cleanUpSandboxes(config: CourseConfig): void {
  if (config.sandbox.enabled) runLauncher(config, ["cleanup", courseSandboxId(config), sandboxNetnsPrefix(config)]);
}
