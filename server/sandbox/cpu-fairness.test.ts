import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { courseCgroups, CpuFairness, SAMPLE_MS } from "./cpu-fairness";
import { courseSandboxId } from "./launch-description";

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** A cgroup mount (v1 with cpu and cpuacct apart, or v2) as join_cgroups leaves it, whose CPU use the test advances. */
function cgroupMount(version: "v1" | "v2", sandbox: "on" | "off" = "on") {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cpu-fairness-"));
  folders.push(root);
  const config = loadConfig({ COURSE_DATA_DIR: path.join(root, "data"), COURSE_SANDBOX: sandbox }, { projectRoot: "/srv/course" });
  config.sandbox.enabled = sandbox === "on";
  if (version === "v2") fs.writeFileSync(path.join(root, "cgroup.controllers"), "cpu memory pids");
  const course = ["mlflow-training", courseSandboxId(config)];
  const dirs = (group: string) =>
    version === "v1" ? { weight: path.join(root, "cpu", ...course, group), usage: path.join(root, "cpuacct", ...course, group) } : { weight: path.join(root, ...course, group), usage: path.join(root, ...course, group) };
  const weightFile = (group: string) => path.join(dirs(group).weight, version === "v1" ? "cpu.shares" : "cpu.weight");
  const usedMicros = new Map<string, number>();
  const writeUsage = (group: string) => {
    const micros = usedMicros.get(group) ?? 0;
    if (version === "v1") fs.writeFileSync(path.join(dirs(group).usage, "cpuacct.usage"), `${micros * 1000}\n`);
    else fs.writeFileSync(path.join(dirs(group).usage, "cpu.stat"), `usage_usec ${micros}\nuser_usec ${micros}\nsystem_usec 0\n`);
  };
  const mount = {
    config,
    root,
    /** A learner's kernel (or Check) group joins, at the full weight. */
    join(group: string) {
      for (const dir of Object.values(dirs(group))) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(weightFile(group), version === "v1" ? "1024" : "100");
      writeUsage(group);
    },
    leave(group: string) {
      for (const dir of Object.values(dirs(group))) fs.rmSync(dir, { recursive: true, force: true });
    },
    use(group: string, micros: number) {
      usedMicros.set(group, (usedMicros.get(group) ?? 0) + micros);
      writeUsage(group);
    },
    weight: (group: string) => fs.readFileSync(weightFile(group), "utf8").trim(),
    setWeight: (group: string, value: string) => fs.writeFileSync(weightFile(group), value),
  };
  return mount;
}

/** A fairness round every SAMPLE_MS on a clock the test moves, each group using `cpus` of a CPU in between. */
function sampler(mount: ReturnType<typeof cgroupMount>) {
  let now = 0;
  const fairness = new CpuFairness(courseCgroups(mount.config, { cgroupRoot: mount.root, asRoot: true })!, () => now);
  return {
    rounds(count: number, cpus: Record<string, number>) {
      for (let round = 0; round < count; round++) {
        now += SAMPLE_MS;
        for (const [group, share] of Object.entries(cpus)) mount.use(group, share * SAMPLE_MS * 1000);
        fairness.sample();
      }
    },
  };
}

describe("CPU fairness among learners", () => {
  it.each([
    ["v1", "16", "1024"],
    ["v2", "1", "100"],
  ] as const)("lowers a learner who keeps a CPU busy for a second and restores them once quiet (%s)", (version, low, full) => {
    const mount = cgroupMount(version);
    for (const group of ["spinner", "victim", "victim-check"]) mount.join(group);
    const rounds = sampler(mount);
    rounds.rounds(2, { spinner: 1, victim: 0.01 });
    expect(mount.weight("spinner"), "half a second of use is not yet a second's").toBe(full);
    rounds.rounds(1, { spinner: 1, victim: 0.01 });
    expect(mount.weight("spinner")).toBe(low);
    expect(mount.weight("victim")).toBe(full);
    expect(mount.weight("victim-check")).toBe(full);
    rounds.rounds(2, { spinner: 0 });
    expect(mount.weight("spinner")).toBe(full);
  });

  it("keeps a lowered learner lowered while busy, even when other busy learners leave them little of a CPU", () => {
    const mount = cgroupMount("v1");
    mount.join("spinner");
    const rounds = sampler(mount);
    rounds.rounds(3, { spinner: 0.9 });
    expect(mount.weight("spinner")).toBe("16");
    rounds.rounds(6, { spinner: 0.2 });
    expect(mount.weight("spinner")).toBe("16");
    // Below half a CPU, a learner at the full weight is not lowered.
    mount.join("reader");
    rounds.rounds(6, { reader: 0.3 });
    expect(mount.weight("reader")).toBe("1024");
  });

  it("lowers a busy learner again whose restarted kernel came back at the full weight", () => {
    const mount = cgroupMount("v2");
    mount.join("spinner");
    const rounds = sampler(mount);
    rounds.rounds(3, { spinner: 1 });
    expect(mount.weight("spinner")).toBe("1");
    mount.setWeight("spinner", "100"); // join_cgroups, as a kernel restarts into the group
    rounds.rounds(1, { spinner: 1 });
    expect(mount.weight("spinner")).toBe("1");
  });

  it("restores a group that a previous site process lowered, once it is quiet", () => {
    const mount = cgroupMount("v1");
    mount.join("spinner");
    mount.setWeight("spinner", "16"); // lowered by the site before it restarted
    const rounds = sampler(mount);
    rounds.rounds(2, { spinner: 0.5 });
    expect(mount.weight("spinner"), "still busy").toBe("16");
    rounds.rounds(3, { spinner: 0 });
    expect(mount.weight("spinner")).toBe("1024");
  });

  it("forgets a learner whose group went, and throws nothing when a group goes or has no use to read", () => {
    const mount = cgroupMount("v1");
    mount.join("spinner");
    const rounds = sampler(mount);
    rounds.rounds(3, { spinner: 1 });
    mount.leave("spinner");
    expect(() => rounds.rounds(2, {})).not.toThrow();
    // Back under the same name (a rejoin): a fresh start, at the full weight until busy again.
    mount.join("spinner");
    rounds.rounds(2, { spinner: 1 });
    expect(mount.weight("spinner")).toBe("1024");
    fs.rmSync(path.join(mount.root, "cpuacct", "mlflow-training", courseSandboxId(mount.config), "spinner", "cpuacct.usage"));
    expect(() => rounds.rounds(2, {})).not.toThrow();
  });

  it("has nothing to do without the sandbox, without root or with kernels elsewhere (no cgroups of the course's)", () => {
    const { root } = cgroupMount("v1");
    expect(courseCgroups(cgroupMount("v1", "off").config, { cgroupRoot: root, asRoot: true })).toBeUndefined();
    expect(courseCgroups(cgroupMount("v1").config, { cgroupRoot: root, asRoot: false })).toBeUndefined();
    const elsewhere = cgroupMount("v1").config;
    elsewhere.jupyter.external = true;
    expect(courseCgroups(elsewhere, { cgroupRoot: root, asRoot: true })).toBeUndefined();
  });
});
