import fs from "node:fs";
import path from "node:path";

/**
 * A learner's sandbox cgroups as this machine shows them, read from /proc (not computed the way
 * the course computes them), for tests and benches that check what the sandbox did.
 */

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // the process ended while we looked
  }
}

/** Every process in the learner's kernel cgroup (kernel, its sandbox and whatever it started). */
export function sandboxedProcesses(learnerId: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => (read(`/proc/${pid}/cgroup`) ?? "").split("\n").some((line) => line.includes("/mlflow-training/") && line.endsWith(`/${learnerId}`)));
}

/** The folder of the learner's kernel cgroup for `controller` (cgroup v1), or its one folder (v2); null when no process is in it. */
export function learnerCgroupDir(learnerId: string, controller: string): string | null {
  const pid = sandboxedProcesses(learnerId)[0];
  for (const line of pid === undefined ? [] : (read(`/proc/${pid}/cgroup`) ?? "").split("\n")) {
    const match = /^\d+:([^:]*):(.*\/mlflow-training\/.*)$/.exec(line);
    if (match && (match[1] === "" || match[1].split(",").includes(controller))) return path.join("/sys/fs/cgroup", match[1], match[2]);
  }
  return null;
}
