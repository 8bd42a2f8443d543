// The loader's tests, shared by the SQLite run (load-class-data.test.ts, unit) and
// the PostgreSQL run (load-class-data.integration.test.ts): both dialects must
// give the same records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_VERSION } from "@/contracts/report";
import type { CheckResult, ExerciseReport, ReportStatus } from "@/grader/report";
import { recordAttempt } from "./attempts";
import { recordCellRun } from "./cells";
import { noteExerciseStarts } from "./exercise-starts";
import type { Store } from "./database";
import { classDashboard, courseExercises } from "../dashboard/class-dashboard";
import { classExport } from "../dashboard/class-export";
import { ATTEMPT_COLUMNS, MATRIX_COLUMNS } from "../dashboard/export";
import { loadClassData } from "./class-data";
import { at, NOW } from "../dashboard/test-records";

const check = (id: string, status: CheckResult["status"], message = `${id} ${status}`): CheckResult => ({ id, title: `Check ${id}`, status, message });
const report = (exercise: string, status: ReportStatus, minutes: number, checks: CheckResult[]): ExerciseReport => ({
  exercise,
  learner: "ignored",
  startedAt: at(minutes),
  durationMs: 120.4,
  status,
  checks,
});

export function loadClassDataSuite(name: string, open: () => Promise<{ db: Store; dispose(): Promise<void> }>) {
  describe(`loadClassData on ${name}`, () => {
    let db: Store;
    let dispose: () => Promise<void>;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ({ db, dispose } = await open());
      const learner = (id: string, name: string, joined: number, workspace: string | null, removed = false) => ({
        id,
        display_name: name,
        created_at: at(joined),
        last_seen_at: at(-1),
        last_lesson: null,
        workspace,
        removed_at: removed ? at(-2) : null,
      });
      await db
        .insertInto("learners")
        .values([
          learner("l2", 'Bea, "B"', -50, "ws-l2"),
          learner("l1", "Ann", -60, "ws-l1"),
          learner("gone", "Gone", -55, "ws-gone", true),
          learner("local", "You", -70, null),
        ])
        .execute();
      ids.l1fail = await recordAttempt(db, "l1", report("tracking-exercise", "failed", -30, [check("exp", "passed"), check("metric", "failed", "metric `accuracy` missing"), check("model", "skipped")]));
      ids.l1pass = await recordAttempt(db, "l1", report("tracking-exercise", "passed", -20, [check("exp", "passed"), check("metric", "passed")]));
      ids.l2error = await recordAttempt(db, "l2", report("model-registry", "error", -10, [check("mlflow", "error", "MLflow did not answer")]));
      ids.gone = await recordAttempt(db, "gone", report("tracking-exercise", "failed", -5, [check("exp", "failed")]));
      ids.local = await recordAttempt(db, "local", report("tracking-example", "passed", -3, [check("tag", "passed")]));
      // Ann opened the tracking exercise's lesson 35 minutes ago; only her first start counts.
      await noteExerciseStarts(db, "l1", ["tracking-exercise"], new Date(at(-35)));
      await noteExerciseStarts(db, "l1", ["tracking-exercise", "tracking-example"], new Date(at(-32)));
      await noteExerciseStarts(db, "gone", ["tracking-exercise"], new Date(at(-6)));
      for (const [learnerId, minutes, status] of [["l1", -25, "ok"], ["l1", -24, "error"], ["l2", -2, "timeout"], ["gone", -1, "ok"], ["local", -1, "ok"]] as const) {
        await recordCellRun(db, { learnerId, lessonSlug: "tracking", cellId: "c1", status, durationMs: 10, startedAt: new Date(at(minutes)) });
      }
    });
    afterAll(async () => {
      await dispose?.();
    });

    it("reads the classroom's learners (not removed, with a workspace), their attempts with every check, and their cell runs", async () => {
      const data = await loadClassData(db);
      expect(data.learners).toStrictEqual([
        { id: "l1", displayName: "Ann", joinedAt: at(-60), lastSeenAt: at(-1) },
        { id: "l2", displayName: 'Bea, "B"', joinedAt: at(-50), lastSeenAt: at(-1) },
      ]);
      expect(data.attempts).toStrictEqual([
        {
          id: ids.l1fail,
          learnerId: "l1",
          exercise: "tracking-exercise",
          status: "failed",
          counted: true,
          startedAt: at(-30),
          durationMs: 120,
          // Stored with the report's version (recordAttempt), so an export says what shape it carries.
          reportVersion: REPORT_VERSION,
          checks: [
            { checkId: "exp", title: "Check exp", status: "passed", message: "exp passed" },
            { checkId: "metric", title: "Check metric", status: "failed", message: "metric `accuracy` missing" },
            { checkId: "model", title: "Check model", status: "skipped", message: "model skipped" },
          ],
        },
        {
          id: ids.l1pass,
          learnerId: "l1",
          exercise: "tracking-exercise",
          status: "passed",
          counted: true,
          startedAt: at(-20),
          durationMs: 120,
          reportVersion: REPORT_VERSION,
          checks: [
            { checkId: "exp", title: "Check exp", status: "passed", message: "exp passed" },
            { checkId: "metric", title: "Check metric", status: "passed", message: "metric passed" },
          ],
        },
        {
          id: ids.l2error,
          learnerId: "l2",
          exercise: "model-registry",
          status: "error",
          counted: false,
          startedAt: at(-10),
          durationMs: 120,
          reportVersion: REPORT_VERSION,
          checks: [{ checkId: "mlflow", title: "Check mlflow", status: "error", message: "MLflow did not answer" }],
        },
      ]);
      expect(data.cellRuns).toStrictEqual([
        { learnerId: "l1", lessonSlug: "tracking", cellId: "c1", status: "ok", startedAt: at(-25) },
        { learnerId: "l1", lessonSlug: "tracking", cellId: "c1", status: "error", startedAt: at(-24) },
        { learnerId: "l2", lessonSlug: "tracking", cellId: "c1", status: "timeout", startedAt: at(-2) },
      ]);
    });

    it("attaches only the failed checks when asked", async () => {
      const data = await loadClassData(db, { checks: "failed" });
      expect(data.attempts.map((attempt) => attempt.checks.map((c) => c.checkId))).toStrictEqual([["metric"], [], []]);
    });

    it("reads when the class's learners started each exercise (the first time only)", async () => {
      const data = await loadClassData(db);
      const starts = [...data.exerciseStarts].sort((a, b) => a.exercise.localeCompare(b.exercise));
      expect(starts).toStrictEqual([
        { learnerId: "l1", exercise: "tracking-example", startedAt: at(-32) },
        { learnerId: "l1", exercise: "tracking-exercise", startedAt: at(-35) },
      ]);
    });

    it("reads the one learner `local` in solo mode", async () => {
      const data = await loadClassData(db, { mode: "solo" });
      expect(data.learners.map((l) => l.id)).toStrictEqual(["local"]);
      expect(data.attempts.map((a) => a.id)).toStrictEqual([ids.local]);
      expect(data.cellRuns).toHaveLength(1);
    });

    it("builds the whole dashboard from the store", async () => {
      const dashboard = await classDashboard(db, NOW);
      expect(dashboard.generatedAt).toBe(NOW.toISOString());
      expect(dashboard.exercises.map((e) => e.id)).toContain("tracking-exercise");
      expect(dashboard.exercises.every((e) => e.title.length > 0)).toBe(true);
      expect(dashboard.matrix.map((row) => row.learnerId)).toStrictEqual(["l1", "l2"]);
      // From opening the lesson (35 min ago) to the pass (20 min ago), not from the first Check (30 min ago).
      expect(dashboard.matrix[0].cells["tracking-exercise"]).toMatchObject({ state: "passed", attempts: 2, startedAt: at(-35), timeToPassMs: 15 * 60_000 });
      expect(dashboard.matrix[1].cells["model-registry"]).toMatchObject({ state: "not-started", platformErrors: 1 });
      expect(dashboard.commonFailures).toStrictEqual([
        { exercise: "tracking-exercise", checkId: "metric", title: "Check metric", failedAttempts: 1, learners: 1, topMessages: [{ message: "metric `accuracy` missing", count: 1 }] },
      ]);
      expect(dashboard.stuck).toStrictEqual([]);
      expect(dashboard.activity).toStrictEqual([
        { learnerId: "l1", runs: 2, errors: 1, lastRunAt: at(-24) },
        { learnerId: "l2", runs: 1, errors: 1, lastRunAt: at(-2) },
      ]);
      expect(dashboard.summaries.find((s) => s.exercise === "tracking-exercise")).toMatchObject({ learners: 2, started: 1, passed: 1, passRateOfStarted: 1, passRateOfAll: 0.5 });
    });

    it("exports the matrix, the attempts and JSON", async () => {
      const matrix = await classExport(db, "matrix-csv", NOW);
      expect(matrix.filename).toBe("class-matrix-2026-11-26T10-00-00.csv");
      expect(matrix.contentType).toMatch(/^text\/csv/);
      const matrixLines = matrix.body.trimEnd().split("\r\n");
      expect(matrixLines[0]).toBe(MATRIX_COLUMNS.join(","));
      expect(matrixLines).toContain(`l1,Ann,tracking-exercise,passed,2,900,${at(-20)}`);
      expect(matrixLines.filter((line) => line.startsWith('l2,"Bea, ""B""",'))).toHaveLength(courseExercises().length);

      const attempts = await classExport(db, "attempts-csv", NOW);
      const attemptLines = attempts.body.trimEnd().split("\r\n");
      expect(attemptLines[0]).toBe(ATTEMPT_COLUMNS.join(","));
      expect(attemptLines).toHaveLength(1 + 3 + 2 + 1);

      const json = await classExport(db, "json", NOW);
      expect(json.contentType).toMatch(/^application\/json/);
      const parsed = JSON.parse(json.body);
      expect(Object.keys(parsed)).toStrictEqual(["generatedAt", "exercises", "learners", "attempts"]);
      expect(parsed.attempts.map((a: { id: string }) => a.id)).toStrictEqual([ids.l1fail, ids.l1pass, ids.l2error]);
    });
  });
}
