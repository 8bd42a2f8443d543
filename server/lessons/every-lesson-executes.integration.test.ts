import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grade } from "@/grader/grade";
import type { CellEvent } from "@/contracts/cell-events";
import { KernelPool } from "../kernels/kernel-pool";
import { ModelServerManager } from "../model-servers/model-server-manager";
import { DEFAULT_LIMITS, runCell } from "../kernels/run-cell";
import { findFreePort } from "../net/free-port";
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
  let pool: KernelPool;
  let modelServers: ModelServerManager;
  let modelServerPort: number;

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter"]);
    modelServerPort = await findFreePort();
    modelServers = new ModelServerManager({
      pythonBin: path.join(course.config.python.bin, "python"),
      mlflowUrl: course.config.mlflow.url,
      baseEnv: process.env,
      portRange: { min: modelServerPort, max: modelServerPort },
      idleTimeoutMs: 600_000,
      readyTimeoutMs: 150_000,
      workdirFor: () => course.dataDir,
    });
    pool = new KernelPool({
      jupyterUrl: course.config.jupyter.url,
      token: course.config.jupyter.token!,
      learnersRoot: course.config.jupyter.rootDir,
      kernelEnv: () => ({ MLFLOW_TRACKING_URI: course.config.mlflow.url, MODEL_SERVER_URL: `http://127.0.0.1:${modelServerPort}` }),
    });
  });
  afterAll(async () => {
    await modelServers?.stopAll();
    modelServers?.dispose();
    await pool?.shutdownAll();
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
        await modelServers.start(learner, "models:/IrisModel/Staging", modelServerPort);
      }
      for (const cell of lessonProgram(projectRoot, lesson.frontMatter.slug)) {
        const events: CellEvent[] = [];
        for await (const event of runCell(pool, learner, cell.code, { ...DEFAULT_LIMITS, timeLimitMs: 300_000 })) events.push(event);
        const done = events.find((event) => event.type === "done");
        const problems = events
          .filter((event) => event.type === "error" || (event.type === "notice" && event.level === "error"))
          .map((event) => JSON.stringify(event).replace(/\\u001b\[[\d;]*m/g, ""));
        expect({ cell: cell.id, status: done?.type === "done" ? done.status : "none", problems }).toEqual({ cell: cell.id, status: "ok", problems: [] });
      }
      await pool.shutdown(learner);
    });
  }

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
        const events: CellEvent[] = [];
        const code = cell.exercise ? cell.source : program.find((candidate) => candidate.id === cell.id)!.code;
        for await (const event of runCell(pool, learner, code, { ...DEFAULT_LIMITS, timeLimitMs: 300_000 })) events.push(event);
        if (!cell.exercise) continue;
        const error = events.find((event): event is Extract<CellEvent, { type: "error" }> => event.type === "error");
        // Either it stops with a plain "not done yet", or it ran without leaving a run or a model version.
        const outcome = error ? `${error.ename}: ${error.evalue}` : "ran";
        expect({ cell: cell.id, outcome: error ? outcome.split(":")[0] : outcome }, outcome).toMatchObject({ cell: cell.id, outcome: expect.stringMatching(/^(NotImplementedError|ran)$/) });
        expect({ cell: cell.id, ...(await mlflowState()) }).toEqual({ cell: cell.id, ...before });
        if (error) break; // the learner would stop here too
      }
      await pool.shutdown(learner);
    }
  });
});
