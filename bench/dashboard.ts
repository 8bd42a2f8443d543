// bench/dashboard: how long the instructor dashboard's data takes for a class of 200.
//   figure:   classDashboard(db) (five queries, only failed check results, then every
//             aggregation: matrix, summaries, most common failures, stuck learners, cell
//             activity), and the three exports through classExport (matrix CSV, attempts
//             CSV with one row per check result, JSON)
//   baseline: reading the raw rows, one `select *` per table the dashboard reads (learners,
//             attempts, check_results, cell_runs, exercise_starts), on the same store in the same run
// The store is a temp SQLite file (openSqliteStore, migrations and indexes as in the app)
// seeded with a deterministic class: 200 learners × 5 exercises, 10-20 attempts each with
// 5-9 check results (fail at one check, skip the rest; ~3% platform errors), and about
// 40 cell runs per learner, over a three-hour class ending now (so some learners are
// stuck and some are still at work). Two warm-up runs of each are left out.
//   npx tsx bench/dashboard.ts [runs=20] [learners=200]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { aggregateDashboard, classDashboard, courseExercises } from "../server/dashboard/class-dashboard";
import { classExport, type ExportKind } from "../server/dashboard/class-export";
import { loadClassData } from "../server/store/class-data";
import { openSqliteStore, type Store } from "../server/store/database";
import type { Insertable } from "kysely";
import type { Database } from "../server/store/schema";
import { summarize } from "./stats";

const RUNS = Number(process.argv[2] ?? 20);
const LEARNERS = Number(process.argv[3] ?? 200);
const WARMUPS = 2;
const MINUTE = 60_000;

/** mulberry32: the same class every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rows = {
  learners: Database["learners"][];
  attempts: Insertable<Database["attempts"]>[];
  checks: Database["check_results"][];
  runs: Omit<Database["cell_runs"], "id">[];
  completions: Database["exercise_completions"][];
  starts: Database["exercise_starts"][];
};

export function seedRows(now: number): Rows {
  const rand = random(20261126);
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)];
  const exercises = courseExercises();
  const checkCounts = [5, 9, 6, 7, 8];
  const messages = [
    (c: string) => `${c}: expected metric \`accuracy\`, this run has \`accuracy_score\``,
    (c: string) => `${c}: experiment "Tracking-Exercise" has no run tagged notebook-type=exercise`,
    (c: string) => `${c}: param \`num_trees\` missing; params are max_depth, n_estimators`,
    (c: string) => `${c}: no artifacts under output_data/, found: model/, input_data/`,
    (c: string) => `${c}: registered model "IrisModel" has no version in Staging (found: None, Production)`,
  ];
  const rows: Rows = { learners: [], attempts: [], checks: [], runs: [], completions: [], starts: [] };
  const classStart = now - 180 * MINUTE;
  let attemptSerial = 0;
  for (let i = 0; i < LEARNERS; i++) {
    const id = `learner-${String(i).padStart(3, "0")}`;
    const joined = classStart + between(0, 10) * MINUTE;
    rows.learners.push({
      id,
      display_name: `Learner ${i}${i % 17 === 0 ? ", the \"quick\" one" : ""}`,
      created_at: new Date(joined).toISOString(),
      last_seen_at: new Date(now - between(0, 5) * MINUTE).toISOString(),
      last_lesson: null,
      workspace: `ws-${id}`,
      removed_at: null,
    });
    const pace = between(0.5, 1.3); // minutes between attempts scale with this
    let t = joined + between(2, 8) * MINUTE;
    for (const [e, exercise] of exercises.entries()) {
      if (t <= now) rows.starts.push({ learner_id: id, exercise: exercise.id, started_at: new Date(t).toISOString() }); // the lesson opened
      t += between(2, 6) * MINUTE; // reading the lesson, running its cells
      const checks = checkCounts[e % checkCounts.length];
      const attempts = 10 + Math.floor(rand() * 11);
      const passAt = Math.max(1, attempts - Math.floor(rand() * 4)); // a few re-checks after passing
      const hardCheck = 1 + Math.floor(rand() * (checks - 1)); // the check this learner struggles with
      for (let j = 1; j <= attempts; j++) {
        t += between(0.3, 2.8) * pace * MINUTE;
        if (t > now) break;
        const attemptId = `att-${String(++attemptSerial).padStart(6, "0")}`;
        const error = rand() < 0.03;
        const passed = !error && j >= passAt;
        const failAt = error ? -1 : passed ? checks : rand() < 0.35 ? hardCheck : Math.floor(rand() * checks);
        rows.attempts.push({
          id: attemptId,
          learner_id: id,
          exercise: exercise.id,
          status: error ? "error" : passed ? "passed" : "failed",
          counted: error ? 0 : 1,
          started_at: new Date(t).toISOString(),
          duration_ms: Math.round(between(30, 900)),
          graded_run_id: null,
        });
        const errorAt = error ? Math.floor(rand() * checks) : -1;
        for (let c = 0; c < checks; c++) {
          const checkId = `${exercise.id}-check-${c + 1}`;
          const status = c === errorAt ? "error" : errorAt >= 0 && c > errorAt ? "skipped" : c < failAt ? "passed" : c === failAt ? "failed" : "skipped";
          const message =
            status === "failed" ? pick(messages)(checkId) : status === "error" ? "MLflow did not answer within 10 s (not your fault; try again)" : status === "skipped" ? "skipped: an earlier check did not pass" : "ok";
          rows.checks.push({ attempt_id: attemptId, position: c, check_id: checkId, title: `Check ${c + 1} of ${exercise.title}`, status, message });
        }
        if (passed && j === passAt) rows.completions.push({ learner_id: id, exercise: exercise.id, first_passed_at: new Date(t).toISOString() });
      }
    }
    const runs = 30 + Math.floor(rand() * 21);
    for (let r = 0; r < runs; r++) {
      rows.runs.push({
        learner_id: id,
        lesson_slug: pick(["tracking-example", "tracking-exercise", "model-registry", "model-serving", "spark-integration"]),
        cell_id: `cell-${Math.floor(rand() * 8)}`,
        status: rand() < 0.15 ? pick(["error", "timeout", "interrupted"]) : "ok",
        duration_ms: Math.round(between(5, 4000)),
        started_at: new Date(joined + rand() * (now - joined)).toISOString(),
      });
    }
  }
  return rows;
}

export async function insertAll(db: Store, rows: Rows): Promise<void> {
  const chunk = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, k) => items.slice(k * size, (k + 1) * size));
  await db.transaction().execute(async (tx) => {
    for (const part of chunk(rows.learners, 500)) await tx.insertInto("learners").values(part).execute();
    for (const part of chunk(rows.attempts, 1000)) await tx.insertInto("attempts").values(part).execute();
    for (const part of chunk(rows.checks, 1000)) await tx.insertInto("check_results").values(part).execute();
    for (const part of chunk(rows.runs, 1000)) await tx.insertInto("cell_runs").values(part).execute();
    for (const part of chunk(rows.completions, 1000)) await tx.insertInto("exercise_completions").values(part).execute();
    for (const part of chunk(rows.starts, 1000)) await tx.insertInto("exercise_starts").values(part).execute();
  });
}

async function time(label: string, run: () => Promise<unknown>): Promise<{ label: string; median: number; p95: number }> {
  for (let i = 0; i < WARMUPS; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  const { median, p95 } = summarize(samples);
  return { label, median, p95 };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-dashboard-"));
  const db = await openSqliteStore(path.join(dir, "course.db"));
  try {
    {
      // In a block: the seed rows are garbage before the timings start.
      const rows = seedRows(Date.now());
      const seedStarted = performance.now();
      await insertAll(db, rows);
      const failedChecks = rows.checks.filter((check) => check.status === "failed").length;
      console.log(
        `Seeded ${rows.learners.length} learners, ${rows.attempts.length} attempts, ${rows.checks.length} check results (${failedChecks} failed), ` +
          `${rows.runs.length} cell runs in ${ms(performance.now() - seedStarted)}.`,
      );
    }

    const baseline = await time("baseline: select * from learners, attempts, check_results, cell_runs, exercise_starts", async () => {
      for (const table of ["learners", "attempts", "check_results", "cell_runs", "exercise_starts"] as const) await db.selectFrom(table).selectAll().execute();
    });
    const dashboard = await time("classDashboard(db)", () => classDashboard(db));
    const load = await time("  of which loadClassData (failed checks only)", () => loadClassData(db, { checks: "failed" }));
    const data = await loadClassData(db, { checks: "failed" });
    const exercises = courseExercises();
    const aggregate = await time("  of which the aggregations", async () => aggregateDashboard(data, exercises, new Date()));
    const exports: Awaited<ReturnType<typeof time>>[] = [];
    const sizes: Record<string, number> = {};
    for (const kind of ["matrix-csv", "attempts-csv", "json"] as ExportKind[]) {
      sizes[kind] = Buffer.byteLength((await classExport(db, kind)).body);
      exports.push(await time(`classExport(db, "${kind}")`, () => classExport(db, kind)));
    }

    const result = await classDashboard(db);
    console.log(
      `Dashboard: ${result.matrix.length} rows × ${result.exercises.length} exercises, ${result.stuck.length} stuck ` +
        `(${result.stuck.filter((s) => s.reason === "repeated-failure").length} repeated failure, ${result.stuck.filter((s) => s.reason === "no-progress").length} no progress), ` +
        `${result.commonFailures.length} failing checks; JSON of the whole dashboard: ${(Buffer.byteLength(JSON.stringify(result)) / 1024).toFixed(0)} KiB.`,
    );
    console.log(`Exports: matrix CSV ${(sizes["matrix-csv"] / 1024).toFixed(0)} KiB, attempts CSV ${(sizes["attempts-csv"] / 1024 / 1024).toFixed(1)} MiB, JSON ${(sizes.json / 1024 / 1024).toFixed(1)} MiB.`);
    console.log(`\n${RUNS} runs each after ${WARMUPS} warm-ups (median / p95, ratio of medians to the baseline):`);
    for (const figure of [baseline, dashboard, load, aggregate, ...exports]) {
      console.log(`  ${figure.label.padEnd(72)} ${ms(figure.median).padStart(9)} / ${ms(figure.p95).padStart(9)}   ${(figure.median / baseline.median).toFixed(2)}x`);
    }
    const verdict = dashboard.p95 < 200 ? "met" : "NOT met";
    console.log(`\nTarget: classDashboard under 200 ms for ${LEARNERS} learners: ${verdict} (p95 ${ms(dashboard.p95)}).`);
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(
      `\n| ${new Date().toISOString().slice(0, 10)} | ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.versions.node} | ` +
        `${ms(dashboard.median)} / ${ms(dashboard.p95)} | ${ms(baseline.median)} / ${ms(baseline.p95)} | ${(dashboard.median / baseline.median).toFixed(2)}x | ` +
        exports.map((figure) => ms(figure.median)).join(" / ") +
        " |",
    );
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script; importable for its seeding.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
