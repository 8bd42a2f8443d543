import type { LearnerDetail } from "@/contracts/learner-detail";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { listLessons } from "../lessons/lesson-catalog";
import { getStore } from "../store/database";
import { findActiveLearner } from "../store/learners";

/** One learner's history for the instructor's drill-down. */
export async function learnerDetail(learnerId: string): Promise<LearnerDetail> {
  const config = getConfig();
  const db = await getStore(config.dataDir);
  const learner = await findActiveLearner(db, learnerId);
  if (!learner) throw new AppError("not_found", `There is no learner "${learnerId}" in this class.`);
  const [attempts, checks, code, runs] = await Promise.all([
    db.selectFrom("attempts").selectAll().where("learner_id", "=", learnerId).orderBy("started_at", "desc").limit(200).execute(),
    db
      .selectFrom("check_results")
      .innerJoin("attempts", "attempts.id", "check_results.attempt_id")
      .select(["check_results.attempt_id", "check_results.position", "check_results.check_id", "check_results.title", "check_results.status", "check_results.message"])
      .where("attempts.learner_id", "=", learnerId)
      .orderBy("check_results.position")
      .execute(),
    db.selectFrom("cell_code").selectAll().where("learner_id", "=", learnerId).execute(),
    db.selectFrom("cell_runs").select(["status"]).where("learner_id", "=", learnerId).execute(),
  ]);
  const exerciseCells = new Map<string, string>();
  for (const lesson of listLessons(config.projectRoot)) {
    for (const cell of lesson.cells) if (cell.exercise) exerciseCells.set(`${lesson.frontMatter.slug}/${cell.id}`, cell.exercise);
  }
  return {
    learner: { id: learner.id, displayName: learner.display_name, joinedAt: learner.created_at, lastSeenAt: learner.last_seen_at, lastLesson: learner.last_lesson },
    attempts: attempts.map((attempt) => ({
      id: attempt.id,
      exercise: attempt.exercise,
      status: attempt.status,
      counted: Number(attempt.counted) === 1,
      startedAt: attempt.started_at,
      durationMs: Number(attempt.duration_ms),
      checks: checks
        .filter((check) => check.attempt_id === attempt.id)
        .map((check) => ({ checkId: check.check_id, title: check.title, status: check.status, message: check.message })),
    })),
    code: code
      .filter((row) => exerciseCells.has(`${row.lesson_slug}/${row.cell_id}`))
      .map((row) => ({ lesson: row.lesson_slug, cellId: row.cell_id, exercise: exerciseCells.get(`${row.lesson_slug}/${row.cell_id}`)!, code: row.code, updatedAt: row.updated_at })),
    activity: { cellRuns: runs.length, cellErrors: runs.filter((run) => run.status !== "ok").length },
    workspaceLink: `/instructor/view/${encodeURIComponent(learnerId)}`,
  };
}
