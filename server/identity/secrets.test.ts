import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sessionSecret, sign, signed, unsign } from "./secrets";

describe("the session secret", () => {
  const folders: string[] = [];
  const folder = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "session-secret-"));
    folders.push(dir);
    return dir;
  };
  const given = process.env.COURSE_SESSION_SECRET;
  afterEach(() => {
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    if (given === undefined) delete process.env.COURSE_SESSION_SECRET;
    else process.env.COURSE_SESSION_SECRET = given;
  });

  it("is made once per data folder, kept readable by its owner only, and read from disk once", () => {
    delete process.env.COURSE_SESSION_SECRET;
    const dir = folder();
    const first = sessionSecret(dir);
    const file = path.join(dir, "session-secret.key");
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Later calls do not go back to the file (every request checks a signature).
    fs.rmSync(file);
    expect(sessionSecret(dir).equals(first)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(sessionSecret(folder()).equals(first), "another data folder, another secret").toBe(false);
  });

  it("is COURSE_SESSION_SECRET when given (every instance of a course the same)", () => {
    process.env.COURSE_SESSION_SECRET = "ab".repeat(32);
    const secret = sessionSecret(folder());
    expect(secret.toString("hex")).toBe("ab".repeat(32));
    expect(unsign(secret, signed(secret, "learner-1"))).toBe("learner-1");
    expect(unsign(secret, `learner-2.${sign(secret, "learner-1")}`)).toBeNull();
  });
});
