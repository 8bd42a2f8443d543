import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { findLesson, lessonProgram, readSolution } from "../lessons/lesson-catalog";
import { cookiesFrom, joinClass, rawRequest, readCellRun, signInAsInstructor, type RawResponse } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

/**
 * Catch me up in a class, every learner process sandboxed, on a real MLflow with workspaces:
 * learners with empty workspaces catch up on what lessons 4, 5 and 6 need, and each lesson's
 * cells and Checks then pass; the catch-up shows as caught up (never passed) on the dashboard and
 * in the exports; one learner's catch-up leaves another's workspace as it was; the class's
 * setting is obeyed.
 */
describe("catch-up from the live MLflow state", () => {
  let course: TempCourse;
  let site: string;
  let classCode: string;
  let instructor: string;
  let adaCookie = "";

  async function call(cookie: string, method: string, path: string, body?: unknown): Promise<RawResponse> {
    return rawRequest(site, {
      method,
      path,
      headers: { origin: site, cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function runLesson(cookie: string, slug: string): Promise<void> {
    for (const cell of lessonProgram(process.cwd(), slug)) {
      const { text: _printed, ...outcome } = readCellRun(await call(cookie, "POST", "/api/cells/run", { lesson: slug, cellId: cell.id, code: cell.code }));
      expect({ cell: cell.id, ...outcome }).toEqual({ cell: cell.id, status: "ok", problems: [] });
    }
  }

  async function check(cookie: string, exercise: string) {
    const answer = await call(cookie, "POST", `/api/exercises/${exercise}/check`, {});
    expect(answer.status, answer.text).toBe(200);
    return answer.json as { report: { status: string; checks: Array<{ status: string; title: string; message: string }> }; caughtUp: boolean; catchUpOffered: boolean };
  }

  /** A Check's outcome, with what did not pass in the grader's words (so a failure says why). */
  function outcome(checked: Awaited<ReturnType<typeof check>>) {
    const misses = checked.report.checks.filter((entry) => entry.status !== "passed" && entry.status !== "skipped").map((entry) => `${entry.title}: ${entry.message}`);
    return { status: checked.report.status, caughtUp: checked.caughtUp, misses };
  }

  /**
   * Lines of an exercise cell's reference solution that its lesson's own text (prose and starter
   * code) does not have, among those a page shows unescaped: if a page holds one, it shows the
   * solution.
   */
  function solutionOnlyLines(slug: string, cellId: string): string[] {
    const lesson = findLesson(process.cwd(), slug)!;
    const lessonText = fs.readFileSync(lesson.file, "utf8");
    const solution = readSolution(process.cwd(), slug, lesson.cells.find((cell) => cell.id === cellId)!);
    return solution
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length >= 12 && !/[&<>"'\\]/.test(line) && !lessonText.includes(line));
  }

  async function setPolicy(policy: unknown): Promise<RawResponse> {
    return call(instructor, "PUT", "/api/instructor/class/settings", { catchUp: policy });
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_SANDBOX: "on", COURSE_INSTRUCTOR_PASSWORD: "teach-me-mlflow-today", CELL_TIME_LIMIT_SECONDS: "300" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    instructor = await signInAsInstructor(site, "teach-me-mlflow-today");
    classCode = (await call(instructor, "GET", "/api/instructor/class")).json.classCode;
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("answers bad requests plainly: unknown lesson or exercise 404, strangers 401", async () => {
    const { cookie } = await joinClass(site, classCode, "Quinn");
    expect((await call(cookie, "GET", "/api/lessons/no-such-lesson/needs")).status).toBe(404);
    expect((await call(cookie, "POST", "/api/lessons/no-such-lesson/catch-up", {})).status).toBe(404);
    const unknown = await call(cookie, "POST", "/api/exercises/no-such-exercise/catch-up", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('There is no exercise "no-such-exercise"');
    expect((await call("", "GET", "/api/lessons/model-registry/needs")).status).toBe(401);
    expect((await call("", "POST", "/api/lessons/model-registry/catch-up", {})).status).toBe(401);
    // A lesson that builds on nothing has nothing to catch up on.
    expect((await call(cookie, "GET", "/api/lessons/tracking-example/needs")).json).toEqual({ needs: [], catchUp: "offered" });
  });

  it("lesson 4: an empty workspace misses the tracking exercise; Catch me up makes it, then lesson 4's cells and Checks pass", { timeout: 600_000 }, async () => {
    const ada = await joinClass(site, classCode, "Ada");
    adaCookie = ada.cookie;
    const before = await call(ada.cookie, "GET", "/api/lessons/model-registry/needs");
    expect(before.status, before.text).toBe(200);
    expect(before.json.catchUp).toBe("offered");
    expect(before.json.needs).toEqual([expect.objectContaining({ exercise: "tracking-exercise", met: false, lesson: expect.objectContaining({ slug: "tracking-exercise", order: 3 }) })]);
    expect(before.json.needs[0].problem).toMatch(/Tracking-Exercise/);

    const caught = await call(ada.cookie, "POST", "/api/lessons/model-registry/catch-up", {});
    expect(caught.status, caught.text).toBe(200);
    expect(caught.json.problem).toBeUndefined();
    expect(caught.json.exercises.map((made: { exercise: string; status: string }) => [made.exercise, made.status])).toEqual([["tracking-exercise", "caught-up"]]);
    // The solution that ran is shown with the learner's own code of that cell (never edited here).
    expect(caught.json.exercises[0].solutions).toEqual([{ cellId: "track-the-run", code: expect.stringContaining("mlflow.sklearn.log_model"), yours: null }]);
    expect(caught.json.output).toContain("── cell track-the-run");

    expect((await call(ada.cookie, "GET", "/api/lessons/model-registry/needs")).json.needs[0].met).toBe(true);
    await runLesson(ada.cookie, "model-registry");
    for (const exercise of ["model-registry", "model-aliases"]) {
      const checked = await check(ada.cookie, exercise);
      expect({ exercise, ...outcome(checked) }).toEqual({ exercise, status: "passed", caughtUp: false, misses: [] });
    }
    // Checking the caught-up exercise passes on the catch-up's run: still caught up, never a pass.
    const again = await check(ada.cookie, "tracking-exercise");
    expect({ status: again.report.status, caughtUp: again.caughtUp }).toEqual({ status: "passed", caughtUp: true });

    // The lesson page shows the solution that ran only now that it has run.
    const page = await call(ada.cookie, "GET", "/lessons/tracking-exercise");
    expect(page.text).toContain("The reference solution Catch me up ran");
  });

  it("lesson 5: catches up on the tracking exercise and the registry, then the serving lesson and its Check pass", { timeout: 600_000 }, async () => {
    const ben = await joinClass(site, classCode, "Ben");
    // Before the catch-up, the registry exercise's page holds nothing of its reference solution.
    const solutionLines = solutionOnlyLines("model-registry", "register-and-stage");
    expect(solutionLines.length, "the solution has lines of its own, for this test to look for").toBeGreaterThan(0);
    const unsolved = await call(ben.cookie, "GET", "/lessons/model-registry");
    expect(unsolved.status).toBe(200);
    expect(solutionLines.filter((line) => unsolved.text.includes(line))).toEqual([]);
    const caught = await call(ben.cookie, "POST", "/api/lessons/model-serving/catch-up", {});
    expect(caught.status, caught.text).toBe(200);
    expect(caught.json.exercises.map((made: { exercise: string; status: string }) => [made.exercise, made.status])).toEqual([
      ["tracking-exercise", "caught-up"],
      ["model-registry", "caught-up"],
    ]);
    expect(caught.json.exercises[1].solutions[0]).toMatchObject({ cellId: "register-and-stage", code: expect.stringContaining("transition_model_version_stage") });
    // Once it has run, the page shows it (beside the learner's own code), the same lines as looked for above.
    const solved = await call(ben.cookie, "GET", "/lessons/model-registry");
    expect(solutionLines.filter((line) => !solved.text.includes(line))).toEqual([]);
    const started = await call(ben.cookie, "POST", "/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
    expect(started.status, started.text).toBe(200);
    let state = started.json.state;
    for (let waited = 0; state === "starting" && waited < 150; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      state = (await call(ben.cookie, "GET", "/api/model-server")).json.state;
    }
    expect(state).toBe("ready");
    await runLesson(ben.cookie, "model-serving");
    expect(outcome(await check(ben.cookie, "model-serving"))).toEqual({ status: "passed", caughtUp: false, misses: [] });
  });

  it("lesson 6: catches up on three exercises, then the Spark lesson's cells and its Check pass", { timeout: 900_000 }, async () => {
    const cy = await joinClass(site, classCode, "Cy");
    const needs = await call(cy.cookie, "GET", "/api/lessons/spark-integration/needs");
    expect(needs.json.needs.map((need: { exercise: string; met: boolean }) => [need.exercise, need.met])).toEqual([
      ["model-registry", false],
      ["model-aliases", false],
    ]);
    const caught = await call(cy.cookie, "POST", "/api/lessons/spark-integration/catch-up", {});
    expect(caught.status, caught.text).toBe(200);
    expect(caught.json.exercises.map((made: { exercise: string; status: string }) => [made.exercise, made.status])).toEqual([
      ["tracking-exercise", "caught-up"],
      ["model-registry", "caught-up"],
      ["model-aliases", "caught-up"],
    ]);
    expect((await call(cy.cookie, "GET", "/api/lessons/spark-integration/needs")).json.needs.every((need: { met: boolean }) => need.met)).toBe(true);
    await runLesson(cy.cookie, "spark-integration");
    expect(outcome(await check(cy.cookie, "spark-integration"))).toEqual({ status: "passed", caughtUp: false, misses: [] });
  });

  it("changes nothing in another learner's workspace", async () => {
    const dee = await joinClass(site, classCode, "Dee");
    const needs = await call(dee.cookie, "GET", "/api/lessons/spark-integration/needs");
    expect(needs.json.needs.map((need: { met: boolean }) => need.met)).toEqual([false, false]);
    // Dee's own view of MLflow: no experiment of the others' catch-ups, no registered model.
    const experiments = await call(dee.cookie, "POST", "/mlflow/api/2.0/mlflow/experiments/search", { max_results: 100 });
    expect(experiments.status, experiments.text).toBe(200);
    expect((experiments.json.experiments ?? []).map((experiment: { name: string }) => experiment.name)).not.toContain("Tracking-Exercise");
    const models = await call(dee.cookie, "GET", "/mlflow/api/2.0/mlflow/registered-models/search?max_results=100");
    expect(models.json.registered_models ?? []).toEqual([]);
  });

  it("shows caught-up exercises as caught up on the dashboard and in the exports, never as passed", async () => {
    const dashboard = await call(instructor, "GET", "/api/instructor/dashboard");
    expect(dashboard.status, dashboard.text).toBe(200);
    const row = (name: string) => dashboard.json.matrix.find((candidate: { displayName: string }) => candidate.displayName === name);
    expect(row("Ada").cells["tracking-exercise"].state).toBe("caught-up");
    expect(row("Ada").cells["model-registry"].state).toBe("passed");
    expect(row("Cy").cells["model-aliases"].state).toBe("caught-up");
    const summary = dashboard.json.summaries.find((entry: { exercise: string }) => entry.exercise === "tracking-exercise");
    expect(summary).toMatchObject({ passed: 0, caughtUp: 3 });

    const matrix = await call(instructor, "GET", "/api/instructor/export?kind=matrix-csv");
    expect(matrix.text).toMatch(/,Ada,tracking-exercise,caught-up,0,,/);
    const attempts = await call(instructor, "GET", "/api/instructor/export?kind=attempts-csv");
    expect(attempts.text).toMatch(/,Ada,tracking-exercise,caught_up,/);
  });

  it("follows the class's setting: never refuses, after N waits for N failed Checks, always offers at once", { timeout: 600_000 }, async () => {
    const eve = await joinClass(site, classCode, "Eve");
    expect((await setPolicy({ mode: "never" })).status).toBe(200);
    expect((await call(eve.cookie, "GET", "/api/lessons/model-registry/needs")).json.catchUp).toBe("never");
    const refused = await call(eve.cookie, "POST", "/api/lessons/model-registry/catch-up", {});
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain("turned catch-up off");
    expect((await call(eve.cookie, "POST", "/api/exercises/tracking-example/catch-up", {})).status).toBe(403);

    expect((await setPolicy({ mode: "after-failures", failures: 2 })).status).toBe(200);
    const early = await call(eve.cookie, "POST", "/api/exercises/tracking-example/catch-up", {});
    expect(early.status).toBe(403);
    expect(early.json.error.message).toContain("after 2 failed Checks");
    expect((await check(eve.cookie, "tracking-example")).catchUpOffered).toBe(false);
    expect((await check(eve.cookie, "tracking-example")).catchUpOffered).toBe(true);
    const caught = await call(eve.cookie, "POST", "/api/exercises/tracking-example/catch-up", {});
    expect(caught.status, caught.text).toBe(200);
    expect(caught.json.exercises.map((made: { exercise: string; status: string }) => [made.exercise, made.status])).toEqual([["tracking-example", "caught-up"]]);

    expect((await setPolicy({ mode: "always" })).status).toBe(200);
    // Ada (lesson 4 above) has what lesson 6 needs but never wrote its Spark function.
    const first = await check(adaCookie, "spark-integration");
    expect({ status: first.report.status, offered: first.catchUpOffered }).toEqual({ status: "failed", offered: true });
    const spark = await call(adaCookie, "POST", "/api/exercises/spark-integration/catch-up", {});
    expect(spark.status, spark.text).toBe(200);
    // Graded from code: the reference function is what is graded; lesson 6's needs were met, so nothing else is made.
    expect(spark.json.exercises.map((made: { exercise: string; status: string }) => [made.exercise, made.status])).toEqual([["spark-integration", "caught-up"]]);
    expect(spark.json.exercises[0].solutions[0]).toMatchObject({ cellId: "predict-with-udf", code: expect.stringContaining("def predict_label_with_mlflow_udf"), yours: null });
    expect((await setPolicy({ mode: "sometimes" })).status).toBe(400);
  });
});
