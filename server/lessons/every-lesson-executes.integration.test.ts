import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grade } from "@/grader/grade";
import type { CellEvent } from "@/contracts/cell-events";
import { findFreePort } from "../net/free-port";
import { CourseRuntime } from "../runtime/course-runtime";
import { collectCell } from "../testing/collect-cell";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { lessonProgram, listLessons } from "./lesson-catalog";

/**
 * Keeps the course true to the pinned MLflow: every lesson's cells run in
 * order, in a fresh kernel, against one fresh MLflow (later lessons build on
 * earlier ones, as a learner's would), with solutions in place of exercises.
 */
const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const lessons = listLessons(projectRoot);

describe("every lesson executes against the pinned MLflow", () => {
  let course: TempCourse;
  let runtime: CourseRuntime;
  let modelServerPort: number;
  /** What each cell printed (stdout), by cell id, for the assertions on the lessons' own output. */
  const printed: Record<string, string> = {};
  const run = (learner: string, code: string) => collectCell(runtime.learner(learner).kernel, code, { timeLimitMs: 300_000 });

  beforeAll(async () => {
    // A solo learner's course without the sandbox (every-lesson-sandboxed runs them sandboxed), its
    // lessons' model-server port a free one.
    modelServerPort = await findFreePort();
    course = await startTempCourse(["mlflow", "jupyter"], { COURSE_SANDBOX: "off", MODEL_SERVER_PORTS: `${modelServerPort}-${modelServerPort}` });
    runtime = await CourseRuntime.start(course.config);
  });
  afterAll(async () => {
    await runtime?.stop({ kernels: true });
    await course?.stop();
  });

  it("has lessons to run", () => {
    expect(lessons.length).toBeGreaterThanOrEqual(6);
  });

  for (const lesson of lessons) {
    it(`runs lesson ${lesson.frontMatter.order}: ${lesson.frontMatter.title}`, { timeout: 600_000 }, async () => {
      const learner = `lesson-${lesson.frontMatter.slug}`;
      // The serving lesson has the learner press Start in its Serve panel: do the same.
      if (lesson.segments.some((segment) => segment.kind === "widget" && segment.name === "serve-panel")) {
        await runtime.learner(learner).modelServer.start("models:/IrisModel/Staging", modelServerPort, undefined);
      }
      for (const cell of lessonProgram(projectRoot, lesson.frontMatter.slug)) {
        const { events } = await run(learner, cell.code);
        const done = events.find((event) => event.type === "done");
        const problems = events
          .filter((event) => event.type === "error" || (event.type === "notice" && event.level === "error"))
          .map((event) => JSON.stringify(event).replace(/\\u001b\[[\d;]*m/g, ""));
        expect({ cell: cell.id, status: done?.type === "done" ? done.status : "none", problems }).toEqual({ cell: cell.id, status: "ok", problems: [] });
        printed[cell.id] = events.map((event) => (event.type === "stream" && event.name === "stdout" ? event.text : "")).join("");
      }
      await runtime.learner(learner).stopProcesses();
    });
  }

  it("picks a sweep winner in lesson 4 that is strictly better than the runners-up, by the score it printed", () => {
    // A tie would make the tie-break, not the data, choose the challenger.
    const scores = [...(printed.sweep ?? "").matchAll(/max_depth=(\d+): cross-validated accuracy ([\d.]+)/g)].map((match) => ({ depth: match[1], score: Number(match[2]) }));
    expect(scores.map((entry) => entry.depth)).toEqual(["1", "2", "4"]);
    const best = Math.max(...scores.map((entry) => entry.score));
    const winners = scores.filter((entry) => entry.score === best);
    expect(winners).toHaveLength(1);
    expect(printed["register-candidate"]).toContain(`max_depth=${winners[0].depth} (cross-validated accuracy ${best.toFixed(4)}`);
    // The challenger is not worse than the Staging model on the whole data set, as lesson 6 scores them.
    const agreeing = (cell: string) => Number(/agrees with the true label on (\d+) of 150/.exec(printed[cell] ?? "")?.[1]);
    expect(agreeing("score-with-signature")).toBeGreaterThanOrEqual(agreeing("score-dataframe"));
  });

  it("leaves what the Checks graded on MLflow's state ask for", { timeout: 120_000 }, async () => {
    // The lessons above ran with their solutions: each exercise graded from MLflow's state passes.
    const outcomes: Record<string, string> = {};
    for (const exercise of ["tracking-example", "tracking-exercise", "model-registry", "model-aliases"]) {
      const report = await grade(exercise, { mlflow: { baseUrl: course.config.mlflow.url }, learner: "lessons" });
      outcomes[exercise] = report.status === "passed" ? "passed" : JSON.stringify(report.checks.filter((check) => check.status !== "passed" && !check.optional));
    }
    expect(outcomes).toEqual({ "tracking-example": "passed", "tracking-exercise": "passed", "model-registry": "passed", "model-aliases": "passed" });
  });

  /** Runs and model versions in the whole MLflow: what an unfinished starter must not add to. */
  async function mlflowState(): Promise<{ runs: number; versions: number }> {
    const post = async (route: string, body: unknown) =>
      (await fetch(`${course.config.mlflow.url}/api/2.0/mlflow/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
    const experiments = ((await post("experiments/search", { max_results: 1000 })).experiments ?? []) as { experiment_id: string }[];
    const runs = ((await post("runs/search", { experiment_ids: experiments.map((e) => e.experiment_id), max_results: 1000 })).runs ?? []).length;
    const versions = ((await (await fetch(`${course.config.mlflow.url}/api/2.0/mlflow/model-versions/search?max_results=1000`)).json()).model_versions ?? []).length;
    return { runs, versions };
  }

  it("runs every unfinished exercise starter as written: it says so, or it leaves nothing behind", { timeout: 600_000 }, async () => {
    for (const lesson of lessons.filter((candidate) => candidate.cells.some((cell) => cell.exercise))) {
      const learner = `starter-${lesson.frontMatter.slug}`;
      const program = lessonProgram(projectRoot, lesson.frontMatter.slug);
      for (const cell of lesson.cells) {
        const before = cell.exercise ? await mlflowState() : undefined;
        const code = cell.exercise ? cell.source : program.find((candidate) => candidate.id === cell.id)!.code;
        const { events } = await run(learner, code);
        if (!cell.exercise) continue;
        const error = events.find((event): event is Extract<CellEvent, { type: "error" }> => event.type === "error");
        // Either it stops with a plain "not done yet", or it ran without leaving a run or a model version.
        const outcome = error ? `${error.ename}: ${error.evalue}` : "ran";
        expect({ cell: cell.id, outcome: error ? outcome.split(":")[0] : outcome }, outcome).toMatchObject({ cell: cell.id, outcome: expect.stringMatching(/^(NotImplementedError|ran)$/) });
        expect({ cell: cell.id, ...(await mlflowState()) }).toEqual({ cell: cell.id, ...before });
        if (error) break; // the learner would stop here too
      }
      await runtime.learner(learner).stopProcesses();
    }
  });
});
