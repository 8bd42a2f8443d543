import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { applyRunHandoff, readRunHandoff, removeRunHandoff, runHandoffFile, writeRunHandoff } from "./run-handoff";

describe("the supervisor's hand-off to the site (the run folder)", () => {
  const folders: string[] = [];
  const runDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handoff-"));
    folders.push(dir);
    return dir;
  };
  afterEach(() => folders.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const alive = () => true;

  it("carries the sandbox decision and Jupyter's token, readable by the course's user only", () => {
    const dir = runDir();
    writeRunHandoff(dir, { version: 1, supervisorPid: process.pid, sandbox: true, jupyterToken: "t".repeat(48) });
    expect(fs.statSync(runHandoffFile(dir)).mode & 0o777).toBe(0o600);
    const handoff = readRunHandoff(dir, alive);
    expect(handoff).toEqual({ version: 1, supervisorPid: process.pid, sandbox: true, jupyterToken: "t".repeat(48) });
    const config = applyRunHandoff(loadConfig({}, { projectRoot: "/srv/course" }), handoff!);
    expect(config.sandbox).toMatchObject({ enabled: true, decided: true });
    expect(config.jupyter.token).toBe("t".repeat(48));
  });

  it("is not read when its supervisor has gone, when it is missing, or when it is not one", () => {
    const dir = runDir();
    expect(readRunHandoff(dir, alive)).toBeNull();
    writeRunHandoff(dir, { version: 1, supervisorPid: 4_000_000, sandbox: false });
    expect(readRunHandoff(dir, () => false)).toBeNull();
    fs.writeFileSync(runHandoffFile(dir), JSON.stringify({ version: 1, supervisorPid: process.pid, sandbox: "yes" }));
    expect(readRunHandoff(dir, alive)).toBeNull();
    fs.writeFileSync(runHandoffFile(dir), "not json");
    expect(readRunHandoff(dir, alive)).toBeNull();
    removeRunHandoff(dir);
    expect(fs.existsSync(runHandoffFile(dir))).toBe(false);
  });

  it("keeps an external Jupyter's own token (JUPYTER_TOKEN)", () => {
    const config = loadConfig({ JUPYTER_URL: "http://gateway:8888", JUPYTER_TOKEN: "gateway-token" }, { projectRoot: "/srv/course" });
    expect(applyRunHandoff(config, { version: 1, supervisorPid: 1, sandbox: false }).jupyter.token).toBe("gateway-token");
  });
});
