import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { cellPriority } from "./cell-priority";
import { courseSandboxId } from "./launch-description";

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** A cgroup mount (v1 or v2) holding one learner's group, as join_cgroups leaves it. */
function cgroupMount(version: "v1" | "v2", sandbox: "on" | "off" = "on") {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cell-priority-"));
  folders.push(root);
  const config = loadConfig({ COURSE_PROJECT_ROOT: "/srv/course", COURSE_DATA_DIR: path.join(root, "data"), COURSE_SANDBOX: sandbox });
  config.sandbox.enabled = sandbox === "on";
  if (version === "v2") fs.writeFileSync(path.join(root, "cgroup.controllers"), "cpu memory pids");
  const group = path.join(root, ...(version === "v1" ? ["cpu"] : []), "mlflow-training", courseSandboxId(config), "learner-1");
  fs.mkdirSync(group, { recursive: true });
  const file = path.join(group, version === "v1" ? "cpu.shares" : "cpu.weight");
  fs.writeFileSync(file, version === "v1" ? "1024" : "100");
  return { config, root, read: () => fs.readFileSync(file, "utf8") };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("a long cell's CPU weight", () => {
  it.each([
    ["v1", "16", "1024"],
    ["v2", "1", "100"],
  ] as const)("is lowered and restored in the learner's cgroup (%s)", async (version, lowered, full) => {
    const { config, root, read } = cgroupMount(version);
    const priority = cellPriority(config, { cgroupRoot: root, asRoot: true });
    expect(priority?.afterMs).toBe(1000);
    priority!.lower("learner-1");
    await settled();
    expect(read()).toBe(lowered);
    priority!.restore("learner-1");
    await settled();
    expect(read()).toBe(full);
  });

  it("is left alone without the sandbox, without root or with kernels elsewhere (no cgroups of the course's)", () => {
    const { root } = cgroupMount("v1");
    expect(cellPriority(cgroupMount("v1", "off").config, { cgroupRoot: root, asRoot: true })).toBeUndefined();
    expect(cellPriority(cgroupMount("v1").config, { cgroupRoot: root, asRoot: false })).toBeUndefined();
    const elsewhere = cgroupMount("v1").config;
    elsewhere.jupyter.external = true;
    expect(cellPriority(elsewhere, { cgroupRoot: root, asRoot: true })).toBeUndefined();
  });

  it("changes nothing, and throws nothing, for a learner whose kernel has no cgroup (yet, or any more)", async () => {
    const { config, root, read } = cgroupMount("v1");
    const priority = cellPriority(config, { cgroupRoot: root, asRoot: true })!;
    expect(() => priority.lower("learner-2")).not.toThrow();
    await settled();
    expect(fs.existsSync(path.join(root, "cpu", "mlflow-training", courseSandboxId(config), "learner-2"))).toBe(false);
    expect(read()).toBe("1024");
  });
});
