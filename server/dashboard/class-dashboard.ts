import type { ClassDashboard, DashboardOptions, ExerciseInfo } from "@/contracts/dashboard";
import { EXERCISE_IDS, EXERCISES } from "@/grader/grade";
import type { Store } from "../store/database";
import { buildMatrix } from "./build-matrix";
import { cellActivity } from "./count-cell-activity";
import { dashboardOptions } from "./dashboard-options";
import { commonFailures } from "./find-common-failures";
import { stuckLearners } from "./find-stuck-learners";
import { loadClassData, type ClassData } from "../store/class-data";
import { exerciseSummaries } from "./summarize-exercises";

export type ClassDashboardOptions = Partial<DashboardOptions> & {
  /** Default `classroom`: the dashboard is the instructor's. */
  mode?: "classroom" | "solo";
  /** Default: the grader's exercises, in course order. */
  exercises?: readonly ExerciseInfo[];
};

/** The grader's exercises in course order, with their titles. */
export function courseExercises(): ExerciseInfo[] {
  return EXERCISE_IDS.map((id) => ({ id, title: EXERCISES[id].title }));
}

/** Reads the class (five queries, only failed check results) and aggregates it. */
export async function classDashboard(db: Store, now: Date = new Date(), options: ClassDashboardOptions = {}): Promise<ClassDashboard> {
  const data = await loadClassData(db, { mode: options.mode, checks: "failed" });
  return aggregateDashboard(data, options.exercises ?? courseExercises(), now, options);
}

/**
 * The pure half of `classDashboard`. Attempts of exercises not in the course and
 * of learners not in the class are left out of everything.
 */
export function aggregateDashboard(data: ClassData, exercises: readonly ExerciseInfo[], now: Date, options: Partial<DashboardOptions> = {}): ClassDashboard {
  const opts = dashboardOptions(options);
  const known = new Set(exercises.map((exercise) => exercise.id));
  const learnerIds = new Set(data.learners.map((learner) => learner.id));
  const attempts = data.attempts.filter((attempt) => known.has(attempt.exercise) && learnerIds.has(attempt.learnerId));
  const cellRuns = data.cellRuns.filter((run) => learnerIds.has(run.learnerId));
  const stuck = stuckLearners(data.learners, attempts, cellRuns, now, opts);
  const matrix = buildMatrix(data.learners, attempts, exercises, now, opts, stuck, data.exerciseStarts);
  return {
    generatedAt: now.toISOString(),
    exercises: [...exercises],
    options: opts,
    matrix,
    summaries: exerciseSummaries(matrix, exercises),
    commonFailures: commonFailures(attempts, exercises),
    stuck,
    activity: cellActivity(cellRuns, matrix.map((row) => row.learnerId)),
  };
}
