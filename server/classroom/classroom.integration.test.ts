import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CourseClient as Client } from "../testing/course-client";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, "..", "..");


describe("classroom mode on a real MLflow with workspaces", () => {
  let course: TempCourse;
  let site: string;
  let instructor: Client;
  let alice: Client;
  let bob: Client;
  let code: string;
  let aliceRun: { experimentId: string; runId: string };

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "teach-me-mlflow-today" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    instructor = new Client(site);
    expect((await instructor.call("POST", "/api/session/instructor", { password: "teach-me-mlflow-today" })).status).toBe(200);
    code = (await instructor.call("GET", "/api/instructor/class")).json.classCode;
    alice = new Client(site);
    bob = new Client(site);
    expect((await alice.call("POST", "/api/session/join", { classCode: code.toLowerCase(), displayName: "Alice" })).status).toBe(200);
    expect((await bob.call("POST", "/api/session/join", { classCode: code, displayName: "Bob" })).status).toBe(200);

    const experiment = await alice.call("POST", "/mlflow/api/2.0/mlflow/experiments/create", { name: "Tracking-Exercise" });
    expect(experiment.status).toBe(200);
    const created = await alice.call("POST", "/mlflow/api/2.0/mlflow/runs/create", { experiment_id: experiment.json.experiment_id });
    aliceRun = { experimentId: experiment.json.experiment_id, runId: created.json.run.info.run_id };
    await alice.call("POST", "/mlflow/api/2.0/mlflow/runs/log-parameter", { run_id: aliceRun.runId, key: "num_trees", value: "10" });
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("shows strangers only the join page and answers every API with 401", async () => {
    const stranger = new Client(site);
    expect((await stranger.call("GET", "/")).location).toContain("/join");
    expect((await stranger.call("GET", "/lessons/tracking-example")).location).toContain("/join");
    for (const [method, url] of [
      ["GET", "/api/health"],
      ["GET", "/api/model-server"],
      ["POST", "/api/cells/run"],
      ["POST", "/api/exercises/tracking-exercise/check"],
      ["GET", "/api/instructor/class"],
      ["GET", "/mlflow/api/2.0/mlflow/experiments/search"],
    ] as const) {
      expect((await stranger.call(method, url, method === "POST" ? {} : undefined)).status, url).toBe(401);
    }
  });

  it("lets two learners use the same experiment name without colliding", async () => {
    const bobs = await bob.call("POST", "/mlflow/api/2.0/mlflow/experiments/create", { name: "Tracking-Exercise" });
    expect(bobs.status).toBe(200);
    expect(bobs.json.experiment_id).not.toBe(aliceRun.experimentId);
  });

  it("keeps a learner in their own workspace whatever header, query or path they send", async () => {
    const aliceWorkspace = (await alice.call("GET", "/mlflow/api/2.0/mlflow/experiments/get?experiment_id=" + aliceRun.experimentId)).json.experiment.workspace;
    expect(aliceWorkspace).toMatch(/^learner-[0-9a-f]+-[0-9a-f]{12}$/);
    const forged = { "X-MLFLOW-WORKSPACE": aliceWorkspace };
    const search = await bob.call("POST", `/mlflow/api/2.0/mlflow/experiments/search?workspace=${aliceWorkspace}`, { max_results: 100 }, forged);
    expect(search.status).toBe(200);
    expect(search.json.experiments.every((e: { workspace: string }) => e.workspace !== aliceWorkspace)).toBe(true);
    expect((await bob.call("GET", `/mlflow/api/2.0/mlflow/runs/get?run_id=${aliceRun.runId}`, undefined, forged)).status).toBe(404);
    expect((await bob.call("GET", `/mlflow/ajax-api/2.0/mlflow/experiments/get?experiment_id=${aliceRun.experimentId}`, undefined, forged)).status).toBe(404);
    // Changing her work is refused as well.
    const write = await bob.call("POST", "/mlflow/api/2.0/mlflow/runs/log-parameter", { run_id: aliceRun.runId, key: "num_trees", value: "1" }, forged);
    expect(write.status).toBeGreaterThanOrEqual(400);
    const run = await alice.call("GET", `/mlflow/api/2.0/mlflow/runs/get?run_id=${aliceRun.runId}`);
    expect(run.json.run.data.params).toEqual([{ key: "num_trees", value: "10" }]);
    // Her artifacts, addressed by path, are out of reach too.
    await alice.call("PUT", `/mlflow/api/2.0/mlflow-artifacts/artifacts/${aliceRun.experimentId}/${aliceRun.runId}/artifacts/input_data/train.csv`, "a,b\n1,2\n", { "content-type": "text/csv" });
    const own = await alice.call("GET", `/mlflow/get-artifact?path=input_data/train.csv&run_uuid=${aliceRun.runId}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain("a,b");
    const stolen = await bob.call("GET", `/mlflow/get-artifact?path=input_data/train.csv&run_uuid=${aliceRun.runId}`, undefined, forged);
    expect(stolen.status).toBeGreaterThanOrEqual(400);
    expect(stolen.text).not.toContain("a,b");
    const byPath = await bob.call("GET", `/mlflow/api/2.0/mlflow-artifacts/artifacts/${aliceRun.experimentId}/${aliceRun.runId}/artifacts/input_data/train.csv`, undefined, forged);
    expect(byPath.text).not.toContain("a,b");
  });

  it("does not let a learner administer workspaces", async () => {
    const list = await bob.call("GET", "/mlflow/api/3.0/mlflow/workspaces");
    expect(list.json.workspaces).toHaveLength(1);
    expect((await bob.call("POST", "/mlflow/api/3.0/mlflow/workspaces", { name: "mine-now" })).status).toBe(403);
    expect((await bob.call("DELETE", "/mlflow/ajax-api/3.0/mlflow/workspaces/default")).status).toBe(403);
  });

  it("grades each learner on their own objects only, timing each from when they started the exercise", async () => {
    // Alice opens the exercise's lesson; Bob runs one of its cells without opening the page (an API client).
    expect((await alice.call("GET", "/lessons/tracking-example")).status).toBe(200);
    const bobRan = await bob.call("POST", "/api/cells/run", { lesson: "tracking-example", cellId: "connect", code: "print('hello')" });
    expect(bobRan.status, bobRan.text).toBe(200);
    const aliceWorkspace = (await alice.call("GET", "/mlflow/api/2.0/mlflow/experiments/get?experiment_id=" + aliceRun.experimentId)).json.experiment.workspace;
    await run(path.join(projectRoot, ".venv", "bin", "python"), [path.join(projectRoot, "grader", "fixtures", "tracking_example_pass.py")], {
      env: { ...process.env, MLFLOW_TRACKING_URI: course.config.mlflow.url, MLFLOW_WORKSPACE: aliceWorkspace, MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" },
      timeout: 120_000,
    });
    const aliceCheck = await alice.call("POST", "/api/exercises/tracking-example/check");
    expect(aliceCheck.json.report.status).toBe("passed");
    const bobCheck = await bob.call("POST", "/api/exercises/tracking-example/check");
    expect(bobCheck.json.report.status).toBe("failed");

    // Alice passed at her first Check: her time to pass runs from opening the lesson, so it is not 0.
    const dashboard = (await instructor.call("GET", "/api/instructor/dashboard")).json;
    const cellOf = (name: string) => dashboard.matrix.find((row: { displayName: string }) => row.displayName === name).cells["tracking-example"];
    const aliceCell = cellOf("Alice");
    expect(aliceCell).toMatchObject({ state: "passed", attemptsToPass: 1 });
    expect(Date.parse(aliceCell.startedAt)).toBeLessThan(Date.parse(aliceCell.firstAttemptAt));
    expect(aliceCell.timeToPassMs).toBe(Date.parse(aliceCell.firstPassedAt) - Date.parse(aliceCell.startedAt));
    expect(aliceCell.timeToPassMs).toBeGreaterThan(0);
    const bobCell = cellOf("Bob");
    expect(bobCell.state).toBe("in-progress");
    expect(Date.parse(bobCell.startedAt), "his cell run started his clock").toBeLessThan(Date.parse(bobCell.firstAttemptAt));
  });

  it("keeps saved code and progress private", async () => {
    await alice.call("PUT", "/api/cells/code", { lesson: "welcome", cellId: "version-and-uri", code: "print('alice secret')" });
    const bobsNotebook = await bob.call("GET", "/api/lessons/welcome/notebook");
    expect(bobsNotebook.status).toBe(200);
    expect(bobsNotebook.text).not.toContain("alice secret");
    const alicesNotebook = await alice.call("GET", "/api/lessons/welcome/notebook");
    expect(alicesNotebook.text).toContain("alice secret");
  });

  it("gives the learner's kernel the learner's workspace", async () => {
    const output = await bob.call("POST", "/api/cells/run", { lesson: "welcome", cellId: "version-and-uri", code: "import os; print(os.environ['MLFLOW_WORKSPACE'])" });
    const bobWorkspace = (await bob.call("GET", "/mlflow/api/3.0/mlflow/workspaces")).json.workspaces[0].name;
    expect(output.text).toContain(`"text":"${bobWorkspace}\\n"`);
  });

  it("refuses learners on instructor routes, tampered cookies, cross-site requests and code guessing", async () => {
    expect((await alice.call("GET", "/api/instructor/class")).status).toBe(403);
    expect((await alice.call("GET", "/instructor")).status).toBe(403);
    const tampered = new Client(site);
    tampered.cookie = alice.cookie.replace(/(course_session=[^;]*)(.)(;|$)/, (_, kept: string, last: string, end: string) => `${kept}${last === "A" ? "B" : "A"}${end}`);
    expect(tampered.cookie).not.toBe(alice.cookie);
    expect((await tampered.call("GET", "/api/model-server")).status).toBe(401);
    expect((await alice.call("PUT", "/api/cells/code", { lesson: "welcome", cellId: "version-and-uri", code: "x" }, { origin: "http://evil.example" })).status).toBe(403);
    // A room behind one address mistypes (a well-formed code that is not this class's), then gets it right:
    // typos never lock a room out (the pause for guessing is in join-attacks.integration.test.ts).
    const room = new Client(site);
    const wrong = code.slice(0, -1) + (code.endsWith("A") ? "B" : "A");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await room.call("POST", "/api/session/join", { classCode: wrong, displayName: "Mallory" })).status);
    expect(statuses).toEqual(Array(12).fill(403));
    expect((await room.call("POST", "/api/session/join", { classCode: code, displayName: "Typo Fixed" })).status).toBe(200);
  });

  it("signs out, and a re-join link brings the learner back", async () => {
    const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string; displayName: string }>;
    const bobId = learners.find((learner) => learner.displayName === "Bob")!.id;
    const link = (await instructor.call("POST", `/api/instructor/learners/${bobId}`, { action: "rejoin-link" })).json.url as string;
    expect((await bob.call("POST", "/api/session/logout", {})).status).toBe(200);
    expect((await bob.call("GET", "/api/model-server")).status).toBe(401);
    const again = new Client(site);
    // Opening the link shows a button; the button (a POST) uses the link, once.
    const page = await again.call("GET", new URL(link).pathname + new URL(link).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Continue as Bob");
    const token = new URL(link).searchParams.get("token")!;
    const redeem = () => again.call("POST", "/join/rejoin", `token=${encodeURIComponent(token)}`, { "content-type": "application/x-www-form-urlencoded" });
    const redeemed = await redeem();
    expect(redeemed.status).toBe(303);
    expect((await again.call("GET", "/api/model-server")).status).toBe(200);
    expect((await redeem()).status).toBe(410);
    expect((await again.call("GET", "/join/rejoin?token=forged.token")).status).toBe(403);
  });

  it("lets the instructor look into a learner's workspace, read-only", async () => {
    const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string; displayName: string }>;
    const aliceId = learners.find((learner) => learner.displayName === "Alice")!.id;
    const view = await instructor.call("GET", `/instructor/view/${aliceId}`);
    expect(view.status).toBe(303);
    expect(view.location).toMatch(/^\/mlflow\/#\/experiments\?workspace=learner-/);
    expect(instructor.cookie).toContain(`course_view_learner=${aliceId}`);
    const viewer = instructor;
    const runs = await viewer.call("POST", "/mlflow/api/2.0/mlflow/runs/search", { experiment_ids: [aliceRun.experimentId] });
    expect(runs.status).toBe(200);
    expect(runs.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toContain(aliceRun.runId);
    const write = await viewer.call("POST", "/mlflow/api/2.0/mlflow/experiments/create", { name: "instructor-was-here" });
    expect(write.status).toBe(403);
    expect((await alice.call("GET", "/instructor/view/" + aliceId)).status).toBe(403);
  });

  it("resets a learner's workspace to a clean start", async () => {
    const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string; displayName: string }>;
    const aliceId = learners.find((learner) => learner.displayName === "Alice")!.id;
    expect((await instructor.call("POST", `/api/instructor/learners/${aliceId}`, { action: "reset" })).status).toBe(200);
    const search = await alice.call("POST", "/mlflow/api/2.0/mlflow/experiments/search", { max_results: 100 });
    expect((search.json.experiments ?? []).filter((e: { name: string }) => e.name === "Tracking-Exercise")).toEqual([]);
    expect((await alice.call("GET", "/api/lessons/welcome/notebook")).text).not.toContain("alice secret");
  });

  it("starts a new class: learners archived and signed out, their record saved, a new code", async () => {
    const before = (await instructor.call("GET", "/api/instructor/class")).json;
    const result = await instructor.call("POST", "/api/instructor/class", { action: "new-class" });
    expect(result.status).toBe(200);
    expect(result.json.archivedLearners).toBe(before.learners.length);
    expect(result.json.classCode).not.toBe(before.classCode);
    const archived = JSON.parse(fs.readFileSync(path.join(course.dataDir, result.json.archive), "utf8"));
    expect(archived.learners.map((learner: { displayName: string }) => learner.displayName)).toEqual(expect.arrayContaining(["Alice", "Bob"]));
    expect((await instructor.call("GET", "/api/instructor/class")).json.learners).toEqual([]);
    expect((await alice.call("GET", "/api/model-server")).status).toBe(401);
  });
});
