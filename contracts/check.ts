import type { ExerciseReport } from "./report";

/**
 * What `POST /api/exercises/<id>/check` answers: the grader's report and which attempt of this
 * learner it was. `caughtUp`: it passed on the state a catch-up made, and counts as caught up.
 * `catchUpOffered`: the panel may offer Catch me up.
 */
export type CheckResponse = { report: ExerciseReport; attempt: number; caughtUp: boolean; catchUpOffered: boolean };
