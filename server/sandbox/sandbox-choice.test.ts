import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { chooseSandbox, SandboxRefusal } from "./sandbox-choice";

const config = (env: Record<string, string>) => loadConfig({ COURSE_DATA_DIR: "/tmp/course-test", ...env });
const works = () => ({ ok: true as const });
const cannot = () => ({ ok: false as const, reason: "bwrap not found" });

describe("choosing the sandbox at start", () => {
  it("uses the sandbox where the machine can make one, unless told off", () => {
    const lines: string[] = [];
    expect(chooseSandbox(config({}), (line) => lines.push(line), works).sandbox.enabled).toBe(true);
    expect(chooseSandbox(config({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "x" }), (line) => lines.push(line), works).sandbox.enabled).toBe(true);
    expect(chooseSandbox(config({ COURSE_SANDBOX: "on" }), (line) => lines.push(line), works).sandbox.enabled).toBe(true);
    expect(lines).toEqual([]);
  });

  it("refuses a class without a sandbox, and COURSE_SANDBOX=on without one, saying why", () => {
    expect(() => chooseSandbox(config({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "x" }), () => {}, cannot)).toThrow(SandboxRefusal);
    expect(() => chooseSandbox(config({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "x" }), () => {}, cannot)).toThrow(/bwrap not found.*COURSE_SANDBOX=off/);
    expect(() => chooseSandbox(config({ COURSE_SANDBOX: "on" }), () => {}, cannot)).toThrow(/COURSE_SANDBOX=on.*bwrap not found/);
  });

  it("says which limits the machine cannot give when the sandbox itself works", () => {
    const lines: string[] = [];
    const chosen = chooseSandbox(config({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "x" }), (line) => lines.push(line), () => ({ ok: true, warnings: ["no writable cgroups, so no memory limits"] }));
    expect(chosen.sandbox.enabled).toBe(true);
    expect(lines).toEqual(["Learner code runs in the sandbox, but no writable cgroups, so no memory limits."]);
  });

  it("runs solo without one where it cannot, and says so once", () => {
    const lines: string[] = [];
    expect(chooseSandbox(config({}), (line) => lines.push(line), cannot).sandbox.enabled).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/without a sandbox.*bwrap not found/);
  });

  it("warns on every start of a class with COURSE_SANDBOX=off, and does not probe", () => {
    const lines: string[] = [];
    let probed = false;
    const chosen = chooseSandbox(config({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "x", COURSE_SANDBOX: "off" }), (line) => lines.push(line), () => {
      probed = true;
      return works();
    });
    expect(chosen.sandbox.enabled).toBe(false);
    expect(probed).toBe(false);
    expect(lines.join("\n")).toMatch(/WARNING: COURSE_SANDBOX=off/);
    expect(chooseSandbox(config({ COURSE_SANDBOX: "off" }), (line) => lines.push(line), works).sandbox.enabled).toBe(false);
  });
});
