import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesFrom, rawRequest, signInAsInstructor } from "../testing/raw-http";
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

  it("still keeps the course's secrets out of a learner's unsandboxed kernel", async () => {
    const instructor = await signInAsInstructor(site, "off-teacher-secret");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    const joined = await rawRequest(site, {
      method: "POST",
      path: "/api/session/join",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ classCode, displayName: "Eve" }),
    });
    expect(joined.status).toBe(200);
    const ran = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: cookiesFrom(joined), "content-type": "application/json" },
      body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code: "import os\nprint(sorted(k for k, v in os.environ.items() if k.startswith('COURSE_') or k == 'DATABASE_URL' or 'off-teacher-secret' in v))" }),
    });
    const printed = ran.text.split("\n").filter(Boolean).map((line) => JSON.parse(line)).filter((event) => event.type === "stream").map((event) => event.text).join("");
    expect(printed.trim(), ran.text).toBe("[]");
  });
});
