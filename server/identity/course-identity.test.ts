import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { memoryActionLedger } from "../store/action-ledger";
import type { Store } from "../store/database";
import { CourseIdentity, WRONG_GUESSES_PER_MINUTE } from "./course-identity";

const identity = () => new CourseIdentity(loadConfig({ COURSE_MODE: "classroom" }, { projectRoot: "/srv/course" }), {} as Store, crypto.randomBytes(32));

describe("the course's identity", () => {
  it("keeps class codes and the instructor password on separate counters", async () => {
    const course = identity();
    expect(course.joinCodeGuesses).not.toBe(course.instructorPasswordGuesses);
    const ledger = memoryActionLedger();
    const key = "192.0.2.77";
    for (let i = 0; i < WRONG_GUESSES_PER_MINUTE; i++) await course.joinCodeGuesses.attempt(key, () => false, ledger);
    await expect(course.joinCodeGuesses.assertAllowed(key, ledger)).rejects.toThrow("Too many wrong attempts");
    await expect(course.instructorPasswordGuesses.assertAllowed(key, ledger)).resolves.toBeUndefined();
    await expect(course.joinCodeGuesses.assertAllowed("192.0.2.78", ledger)).resolves.toBeUndefined();
  });

  it("issues gate tokens only it can read back, one learner each", () => {
    const course = identity();
    const token = course.gateToken("ada");
    expect(course.learnerFromGateToken(`Bearer ${token}`)).toBe("ada");
    expect(course.learnerFromGateToken(`Bearer ${token}x`)).toBeNull();
    expect(course.learnerFromGateToken(`Bearer bob.${token.split(".")[1]}`), "another learner's id on Ada's signature").toBeNull();
    expect(identity().learnerFromGateToken(`Bearer ${token}`), "another course's key").toBeNull();
  });
});
