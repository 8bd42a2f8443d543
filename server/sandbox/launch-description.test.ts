import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CPU_WEIGHTS, SANDBOX_PASSED_ON_ENV } from "@/contracts/launch-description";
import { loadConfig, type CourseConfig } from "../config/config";
import { writeLaunchDescription } from "./launch-description";

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/** What the launcher does with a launch description, run by the course's Python on the file the course wrote. */
function readByTheLauncher(config: CourseConfig, learnerId: string) {
  const script = "import json, sys; from course_sandbox.launch_description import read_launch; print(json.dumps(read_launch(sys.argv[1])))";
  return spawnSync(path.join(config.python.bin, "python"), ["-c", script, learnerId], {
    cwd: path.join(projectRoot, "python"),
    env: { PATH: "/usr/bin:/bin", COURSE_SANDBOX_DIR: config.sandbox.dir } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
}

describe("the launch description, as the course writes it and the launcher reads it", () => {
  let dataDir: string;
  let config: CourseConfig;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "launch-description-"));
    config = loadConfig({ COURSE_DATA_DIR: dataDir, COURSE_SANDBOX: "on" }, { projectRoot });
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("is accepted by the launcher as the course wrote it", () => {
    writeLaunchDescription(config, "l-alice", "l-alice.signature-of-the-course");
    const file = path.join(config.sandbox.dir, "l-alice", "launch.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const read = readByTheLauncher(config, "l-alice");
    expect(read.stderr).toBe("");
    expect(read.status).toBe(0);
    const launch = JSON.parse(read.stdout);
    expect(launch).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
    expect(launch).toMatchObject({ schema_version: 1, uid: 65534, passed_on: [...SANDBOX_PASSED_ON_ENV] });
    expect(launch.cpu_weights).toEqual({ v2: { learners: CPU_WEIGHTS.v2.learners, learner: CPU_WEIGHTS.v2.learner }, v1: { learners: CPU_WEIGHTS.v1.learners, learner: CPU_WEIGHTS.v1.learner } });
    expect(launch.env.MLFLOW_TRACKING_TOKEN).toMatch(/^l-alice\./);
  });

  it("is refused by the launcher, naming the field, once it no longer matches its contract", () => {
    writeLaunchDescription(config, "l-alice", "l-alice.signature-of-the-course");
    const file = path.join(config.sandbox.dir, "l-alice", "launch.json");
    const { limits, ...launch } = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...launch, limits: { ...limits, pids: "1024" }, extra: true }));
    const read = readByTheLauncher(config, "l-alice");
    expect(read.status).toBe(1);
    expect(read.stdout).toBe("");
    expect(read.stderr).toContain(`course sandbox: not starting: the launch description ${file} does not match its contract`);
    expect(read.stderr).toContain("$.limits.pids: '1024' is not of type 'integer'");
    expect(read.stderr).toContain("('extra' was unexpected)");
  });
});
