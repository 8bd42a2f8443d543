import type { Store } from "./database";
import { attemptStatus } from "./attempts";
import type { AttemptRecord, CellRunRecord, CheckRecord, ExerciseStartRecord, LearnerRecord } from "./class-records";
import { inCurrentClass } from "./learners";

export type ClassData = { learners: LearnerRecord[]; attempts: AttemptRecord[]; cellRuns: CellRunRecord[]; exerciseStarts: ExerciseStartRecord[] };

export type LoadClassDataOptions = {
  /** `classroom` (default): learners not removed that have a workspace; `solo`: the one learner `local`. */
  mode?: "classroom" | "solo";
  /**
   * Which check results to attach to attempts. The dashboard needs only the
   * failed ones (a small share of all rows); the attempts export needs all.
   */
  checks?: "failed" | "all";
};

export const SOLO_LEARNER_ID = "local";

/**
 * Everything the dashboard aggregates, in five queries whatever the class size
 * (learners, attempts, their check results, cell runs, exercise starts), Kysely only, so the same
 * on SQLite and PostgreSQL. The learner filter is a subquery, so attempts and cell
 * runs of removed learners never leave the database; attempts come in the order
 * of the (learner_id, exercise, started_at) index.
 *
 * Check results are read after the attempts and kept only for attempts already
 * read: an attempt and its checks are written in one transaction, so every attempt
 * returned has all its checks, even while learners keep pressing Check.
 */
export async function loadClassData(db: Store, options: LoadClassDataOptions = {}): Promise<ClassData> {
  const mode = options.mode ?? "classroom";
  const classLearners = () => {
    const query = db.selectFrom("learners").select("learners.id");
    return mode === "solo" ? query.where("learners.id", "=", SOLO_LEARNER_ID) : query.where(inCurrentClass);
  };

  const learnersQuery = db
    .selectFrom("learners")
    .select(["id", "display_name", "created_at", "last_seen_at"])
    .$if(mode === "solo", (query) => query.where("id", "=", SOLO_LEARNER_ID))
    .$if(mode !== "solo", (query) => query.where(inCurrentClass))
    .orderBy("created_at")
    .orderBy("id")
    .execute();

  const cellRunsQuery = db
    .selectFrom("cell_runs")
    .select(["learner_id", "lesson_slug", "cell_id", "status", "started_at"])
    .where("learner_id", "in", classLearners())
    .orderBy("learner_id")
    .orderBy("started_at")
    .execute();

  const startsQuery = db
    .selectFrom("exercise_starts")
    .select(["learner_id", "exercise", "started_at"])
    .where("learner_id", "in", classLearners())
    .execute();

  const attemptsQuery = (async () => {
    const attemptRows = await db
      .selectFrom("attempts")
      .select(["id", "learner_id", "exercise", "status", "counted", "started_at", "duration_ms", "report_version"])
      .where("learner_id", "in", classLearners())
      .orderBy("learner_id")
      .orderBy("exercise")
      .orderBy("started_at")
      .execute();
    let checksQuery = db
      .selectFrom("check_results")
      .innerJoin("attempts", "attempts.id", "check_results.attempt_id")
      .select(["check_results.attempt_id", "check_results.position", "check_results.check_id", "check_results.title", "check_results.status", "check_results.message"])
      .where("attempts.learner_id", "in", classLearners());
    if ((options.checks ?? "all") === "failed") checksQuery = checksQuery.where("check_results.status", "=", "failed");
    // No ORDER BY: sorting every check result would cost SQLite a temporary B-tree (see below).
    const checkRows = await checksQuery.execute();

    const byId = new Map<string, AttemptRecord>();
    const attempts = attemptRows.map((row): AttemptRecord => {
      const status = attemptStatus(row.status);
      const attempt: AttemptRecord = {
        id: row.id,
        learnerId: row.learner_id,
        exercise: row.exercise,
        status,
        counted: Number(row.counted) === 1 && status !== "error",
        startedAt: row.started_at,
        durationMs: Number(row.duration_ms),
        checks: [],
        reportVersion: Number(row.report_version),
      };
      byId.set(row.id, attempt);
      return attempt;
    });
    // Checks go in report order. The rows arrive in position order per attempt in
    // practice (the primary key's order); when they do not, they are sorted here first.
    const lastPosition = new Map<string, number>();
    let inOrder = true;
    for (const row of checkRows) {
      const position = Number(row.position);
      if ((lastPosition.get(row.attempt_id) ?? -1) > position) inOrder = false;
      lastPosition.set(row.attempt_id, position);
    }
    if (!inOrder) {
      checkRows.sort((a, b) => (a.attempt_id < b.attempt_id ? -1 : a.attempt_id > b.attempt_id ? 1 : Number(a.position) - Number(b.position)));
    }
    for (const row of checkRows) {
      const check: CheckRecord = { checkId: row.check_id, title: row.title, status: row.status, message: row.message };
      byId.get(row.attempt_id)?.checks.push(check);
    }
    return attempts;
  })();

  const [learnerRows, runRows, attempts, startRows] = await Promise.all([learnersQuery, cellRunsQuery, attemptsQuery, startsQuery]);
  return {
    learners: learnerRows.map((row) => ({ id: row.id, displayName: row.display_name, joinedAt: row.created_at, lastSeenAt: row.last_seen_at })),
    attempts,
    cellRuns: runRows.map((row) => ({ learnerId: row.learner_id, lessonSlug: row.lesson_slug, cellId: row.cell_id, status: row.status, startedAt: row.started_at })),
    exerciseStarts: startRows.map((row) => ({ learnerId: row.learner_id, exercise: row.exercise, startedAt: row.started_at })),
  };
}
