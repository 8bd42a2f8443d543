/**
 * The records the dashboard aggregates: plain data read from the progress store
 * (`class-data.ts`), so every aggregation is a pure function over them.
 * Times are ISO 8601 strings as stored.
 */

import type { StoredAttemptStatus } from "./attempts";

/** `caught_up`: passed on the state Catch me up made (never a pass, never a miss). */
export type AttemptStatus = StoredAttemptStatus;

export type CheckRecord = {
  checkId: string;
  title: string;
  /** `passed` | `failed` | `skipped` | `error` (grader/report.ts). */
  status: string;
  message: string;
};

export type AttemptRecord = {
  id: string;
  learnerId: string;
  exercise: string;
  status: AttemptStatus;
  /** False for platform errors and catch-ups: stored, never counted as a failed attempt. */
  counted: boolean;
  startedAt: string;
  durationMs: number;
  /** In report order. Loaded with `checks: "failed"`, only the failed ones. */
  checks: CheckRecord[];
  /** The report's version it was stored with (contracts/report.ts); set by the loader. */
  reportVersion?: number;
};

export type LearnerRecord = {
  id: string;
  displayName: string;
  joinedAt: string;
  lastSeenAt: string;
};

export type CellRunRecord = {
  learnerId: string;
  lessonSlug: string;
  cellId: string;
  /** `ok`, or what went wrong (`error`, `timeout`, `interrupted`). */
  status: string;
  startedAt: string;
};


/** When a learner started an exercise: first opened its lesson or ran one of its cells. */
export type ExerciseStartRecord = {
  learnerId: string;
  exercise: string;
  startedAt: string;
};
