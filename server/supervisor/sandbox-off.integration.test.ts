import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, signInAsInstructor } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

/**
 * A class started with COURSE_SANDBOX=off: it starts (the operator said so explicitly), warns
 * in its start output, and the instructor's page says learner code is not sandboxed.
 */
describe("a class with the sandbox turned off", () => {
  let course: TempCourse;
  let site: string;
  const lines: string[] = [];

  beforeAll(async () => {
    course = await startTempCourse(
      ["mlflow", "jupyter", "site"],
      { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "off-teacher-secret", COURSE_SANDBOX: "off", DATABASE_URL: "" },
      (line) => lines.push(line),
    );
    site = `http://127.0.0.1:${course.config.site.port}`;
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("warns at start, and runs learner code without the sandbox", () => {
    expect(lines.join("\n")).toMatch(/WARNING: COURSE_SANDBOX=off/);
    expect(course.config.sandbox.enabled).toBe(false);
  });

  it("shows the instructor a banner saying learner code is not sandboxed", async () => {
    const page = await rawRequest(site, { path: "/instructor", headers: { cookie: await signInAsInstructor(site, "off-teacher-secret") } });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/role="alert"[^>]*>.*Learner code is not sandboxed/s);
  });
});
