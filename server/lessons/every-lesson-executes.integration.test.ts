import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellEvent } from "../kernels/cell-events";
import { KernelPool } from "../kernels/kernel-pool";
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

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter"]);
    const modelServerPort = String(await findFreePort());
    pool = new KernelPool({
      jupyterUrl: course.config.jupyter.url,
      token: course.config.jupyter.token!,
      runDir: course.config.runDir,
      learnersRoot: course.config.jupyter.rootDir,
      kernelEnv: () => ({ MLFLOW_TRACKING_URI: course.config.mlflow.url, MODEL_SERVER_PORT: modelServerPort }),
    });
  });
  afterAll(async () => {
    await pool?.shutdownAll();
    await course?.stop();
  });

  it("has lessons to run", () => {
    expect(lessons.length).toBeGreaterThanOrEqual(6);
  });

  for (const lesson of lessons) {
    it(`runs lesson ${lesson.frontMatter.order}: ${lesson.frontMatter.title}`, { timeout: 600_000 }, async () => {
      const learner = `lesson-${lesson.frontMatter.slug}`;
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
});
