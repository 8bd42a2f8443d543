import { describe, expect, it } from "vitest";
import { readableSecret } from "../identity/passwords";
import { loadConfig } from "./config";
import { assertInstructorPasswordStrong, instructorPasswordWeakness } from "./instructor-password";

const classroom = (password: string) => loadConfig({ COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: password }, { projectRoot: "/srv/course" });

describe("the instructor password a class may start with", () => {
  it("refuses short ones, saying how long", () => {
    expect(instructorPasswordWeakness("teach-me")).toBe("it has 8 characters; use at least 12");
    expect(() => assertInstructorPasswordStrong(classroom("s3cret"))).toThrow(/COURSE_INSTRUCTOR_PASSWORD is too easy to guess: it has 6 characters.*or unset it/s);
  });

  it.each(["password1234", "qwertyuiop12", "123456789012", "aaaaaaaaaaaa", "mlflowtraining", "Instructor2026", "iloveyou2024!"])("refuses %s: common passwords, keyboard walks, repeats and the course's own words", (password) => {
    expect(instructorPasswordWeakness(password)).toMatch(/guesses\)$/);
  });

  it.each(["multi-host-secret", "correct horse battery", "Tr0ub4dor&3x-staple"])("takes %s", (password) => {
    expect(instructorPasswordWeakness(password)).toBeNull();
  });

  it("takes every password the course generates itself", () => {
    for (let i = 0; i < 50; i++) expect(instructorPasswordWeakness(readableSecret(12))).toBeNull();
  });

  it("asks nothing of solo mode, nor of a class without one (the course generates it)", () => {
    expect(() => assertInstructorPasswordStrong(loadConfig({ COURSE_INSTRUCTOR_PASSWORD: "x" }, { projectRoot: "/srv/course" }))).not.toThrow();
    expect(() => assertInstructorPasswordStrong(loadConfig({ COURSE_MODE: "classroom" }, { projectRoot: "/srv/course" }))).not.toThrow();
  });
});
