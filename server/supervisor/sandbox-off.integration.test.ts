import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitAtMost } from "@/lib/process/wait-until";
import { isPortFree } from "../net/free-port";
import { STAGE_IRIS_MODEL_CELL } from "../testing/cell-snippets";
import { cookiesFrom, rawRequest, runCellAs, signInAsInstructor } from "../testing/raw-http";
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

  async function join(displayName: string): Promise<string> {
    const instructor = await signInAsInstructor(site, "off-teacher-secret");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    const joined = await rawRequest(site, {
      method: "POST",
      path: "/api/session/join",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ classCode, displayName }),
    });
    expect(joined.status, joined.text).toBe(200);
    return cookiesFrom(joined);
  }

  it("still keeps the course's secrets out of a learner's unsandboxed kernel", async () => {
    const joined = { cookie: await join("Eve") };
    const ran = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: joined.cookie, "content-type": "application/json" },
      body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code: "import os\nprint(sorted(k for k, v in os.environ.items() if k.startswith('COURSE_') or k == 'DATABASE_URL' or 'off-teacher-secret' in v))" }),
    });
    const printed = ran.text.split("\n").filter(Boolean).map((line) => JSON.parse(line)).filter((event) => event.type === "stream").map((event) => event.text).join("");
    expect(printed.trim(), ran.text).toBe("[]");
  });

  it("serves a learner's model at a private address on the shared port: their kernel and the course reach it, another learner's kernel does not", { timeout: 300_000 }, async () => {
    const [alice, bob] = [await join("Alice"), await join("Bob")];
    const staged = await runCellAs(site, alice, STAGE_IRIS_MODEL_CELL);
    expect(staged.stdout, staged.all).toContain("staged");
    let port = 5063;
    while (!(await isPortFree(port))) port += 1;
    const api = (cookie: string, method: string, apiPath: string, body?: unknown) =>
      rawRequest(site, { method, path: apiPath, headers: { origin: site, cookie, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const started = await api(alice, "POST", "/api/model-server", { modelUri: "models:/IrisModel/Staging", port });
    expect(started.status, started.text).toBe(200);
    let status = started.json;
    await waitAtMost(async () => (status = (await api(alice, "GET", "/api/model-server")).json).state !== "starting", { timeoutMs: 150_000, intervalMs: 300 });
    expect(status.state, JSON.stringify(status.log?.slice(-10))).toBe("ready");
    expect(status.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/s/[A-Za-z0-9_-]{24}$`));
    const score = (url: string) =>
      `import requests\nanswer = requests.post(${JSON.stringify(url)} + '/invocations', json={'inputs': [[5.1, 3.5, 1.4, 0.2]]}, timeout=10)\nprint(answer.status_code, answer.text)`;
    // Alice's kernel is told her server's address; the lesson's cells use it.
    const fromAlice = await runCellAs(site, alice, "import os, requests\nanswer = requests.post(os.environ['MODEL_SERVER_URL'] + '/invocations', json={'inputs': [[5.1, 3.5, 1.4, 0.2]]}, timeout=10)\nprint(answer.status_code, answer.text)");
    expect(fromAlice.stdout.trim(), fromAlice.all).toBe('200 {"predictions": [0]}');
    // Bob's kernel reaches the port (no sandbox), but not the server: only its private path answers.
    const fromBob = await runCellAs(site, bob, score(`http://127.0.0.1:${port}`));
    expect(fromBob.stdout, fromBob.all).toMatch(/^404 .*answers only at the address the course gave its learner/);
    expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(404);
    const playground = await api(alice, "POST", "/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }), contentType: "application/json" });
    expect(JSON.parse(playground.json.body), playground.text).toEqual({ predictions: [0] });
    const serving = await api(alice, "POST", "/api/exercises/model-serving/check", {});
    expect(serving.json.report?.status, JSON.stringify(serving.json)).toBe("passed");
    expect((await api(alice, "DELETE", "/api/model-server")).status).toBe(200);
  });
});
