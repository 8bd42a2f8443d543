import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { memoryActionLedger } from "../store/action-ledger";
import type { Store } from "../store/database";
import { classCodeGuessingYears, CourseIdentity, WRONG_CLASS_CODES, WRONG_INSTRUCTOR_PASSWORDS } from "./course-identity";

const identity = () => new CourseIdentity(loadConfig({ COURSE_MODE: "classroom" }, { projectRoot: "/srv/course" }), {} as Store, crypto.randomBytes(32));

describe("the course's identity", () => {
  it("keeps class codes and the instructor password on separate counters", async () => {
    const course = identity();
    expect(course.joinCodeGuesses).not.toBe(course.instructorPasswordGuesses);
    const ledger = memoryActionLedger();
    const key = "192.0.2.77";
    for (let i = 0; i < WRONG_CLASS_CODES.limit; i++) await course.joinCodeGuesses.attempt(key, () => false, ledger);
    await expect(course.joinCodeGuesses.assertAllowed(key, ledger)).rejects.toThrow(/Joining from this network is paused for 600 s: 1000 wrong class codes .* Check the code with your instructor/);
    await expect(course.instructorPasswordGuesses.assertAllowed(key, ledger)).resolves.toBeUndefined();
    await expect(course.joinCodeGuesses.assertAllowed("192.0.2.78", ledger)).resolves.toBeUndefined();
    for (let i = 0; i < WRONG_INSTRUCTOR_PASSWORDS.limit; i++) await course.instructorPasswordGuesses.attempt("192.0.2.79", () => false, ledger);
    await expect(course.instructorPasswordGuesses.assertAllowed("192.0.2.79", ledger)).rejects.toThrow("Too many wrong attempts");
  });

  it("sets the class-code limit for a room and keeps guessing hopeless at it", () => {
    // A room of 60 behind one address, each mistyping a dozen times within the window, is not paused.
    expect(WRONG_CLASS_CODES.limit).toBeGreaterThan(60 * 12);
    // One address guessing flat out at the limit: millions of years on average; 10,000 addresses: still over ten.
    expect(classCodeGuessingYears()).toBeGreaterThan(1_000_000);
    expect(classCodeGuessingYears(10_000)).toBeGreaterThan(10);
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
