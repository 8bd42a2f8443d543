import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSessionSecret, sign, signed, unsign } from "./secrets";

describe("the session secret", () => {
  const folders: string[] = [];
  const folder = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "session-secret-"));
    folders.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is made once per data folder, kept readable by its owner only, and the same at the next start", () => {
    const dir = folder();
    const first = loadSessionSecret(dir);
    const file = path.join(dir, "session-secret.key");
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSessionSecret(dir).equals(first), "a restarted course keeps its sessions").toBe(true);
    expect(loadSessionSecret(folder()).equals(first), "another data folder, another secret").toBe(false);
  });

  it("is COURSE_SESSION_SECRET when given (every instance of a course the same)", () => {
    const secret = loadSessionSecret(folder(), "ab".repeat(32));
    expect(secret.toString("hex")).toBe("ab".repeat(32));
    expect(unsign(secret, signed(secret, "learner-1"))).toBe("learner-1");
    expect(unsign(secret, `learner-2.${sign(secret, "learner-1")}`)).toBeNull();
  });
});
