/**
 * What `GET /api/instructor/dashboard` answers (and the progress page and the
 * export build on): plain JSON, aggregated by server/dashboard/ from the store's records.
 */

/** Everything the instructor's page shows, in one object (plain JSON). */
export type ClassDashboard = {
  generatedAt: string;
  /** Course order: the matrix's columns. */
  exercises: ExerciseInfo[];
  /** The thresholds used (so the page can say what "stuck" means). */
  options: DashboardOptions;
  matrix: MatrixRow[];
  summaries: ExerciseSummary[];
  commonFailures: CommonFailure[];
  stuck: StuckLearner[];
  /** One entry per learner of the matrix. */
  activity: CellActivity[];
};

/** An exercise as the dashboard shows it, in course order. */
export type ExerciseInfo = { id: string; title: string };

/** The thresholds that decide who is stuck (defaults: server/dashboard/dashboard-options.ts). */
export type DashboardOptions = {
  /** Rule (a): this many failed counted attempts on the same check... */
  stuckFailures: number;
  /** ...within this many minutes (up to now) make a learner stuck. */
  stuckWindowMinutes: number;
  /** Rule (b): a learner is active with a cell run or an attempt within this many minutes... */
  activeWindowMinutes: number;
  /** ...and stuck when active, with an exercise in progress, and no new exercise passed for this many minutes. */
  noProgressMinutes: number;
};

export type MatrixRow = {
  learnerId: string;
  displayName: string;
  joinedAt: string;
  lastSeenAt: string;
  /** Keyed by exercise id; every exercise of the course has a cell. Column order: `exercises`. */
  cells: Record<string, MatrixCell>;
  // Sortable keys:
  passed: number;
  stuck: number;
  inProgress: number;
  caughtUp: number;
  /** Counted attempts over all exercises. */
  attempts: number;
  /** The last counted attempt at any exercise. */
  lastAttemptAt: string | null;
};

/** One learner on one exercise. */
export type MatrixCell = {
  state: CellState;
  /** Counted attempts (platform errors excluded), including any after the first pass. */
  attempts: number;
  /** Counted attempts up to and including the first pass; null until passed. */
  attemptsToPass: number | null;
  /** Attempts the platform failed (not counted, shown so the instructor can tell). */
  platformErrors: number;
  /** When Catch me up made its state (the first time); null when it never did. */
  caughtUpAt: string | null;
  /** The first counted attempt. */
  firstAttemptAt: string | null;
  /**
   * Where "time to pass" starts: when the learner first opened the exercise's lesson or ran one of
   * its cells, or the first counted attempt if that came earlier (or nothing was recorded).
   */
  startedAt: string | null;
  firstPassedAt: string | null;
  /** From `startedAt` to the first pass. */
  timeToPassMs: number | null;
  /** The last counted attempt. */
  lastAttemptAt: string | null;
  /** Not passed: the check it is stuck on, else the first failed check of the last attempt. */
  failingCheck?: FailingCheck;
  stuckReason?: StuckReason;
};

/** `caught-up`: not passed, but Catch me up made its state (the next lessons work). */
export type CellState = "not-started" | "in-progress" | "passed" | "stuck" | "caught-up";

/** Why a learner is stuck: (a) the same check failed again and again, or (b) active without progress. */
export type StuckReason = "repeated-failure" | "no-progress";

/** The check an attempt (or a run of attempts) failed on. */
export type FailingCheck = { checkId: string; title: string; message: string };

export type StuckLearner = {
  learnerId: string;
  displayName: string;
  exercise: string;
  reason: StuckReason;
  /** The check they are stuck on; for `no-progress`, the first failed check of their last attempt. */
  failingCheck?: FailingCheck;
  /** `repeated-failure`: failed attempts on that check within the window; `no-progress`: counted attempts at the exercise. */
  failedAttempts: number;
  /** `repeated-failure`: the first of those failures; `no-progress`: the last time they made progress (joined or first passed an exercise). */
  since: string;
  /** Their last cell run or attempt (platform errors included: they were at work). */
  lastActivityAt: string | null;
  /** Other exercises stuck by rule (a), most recent failure first. */
  alsoStuckOn: string[];
};

export type CommonFailure = {
  exercise: string;
  checkId: string;
  /** The check's title as last seen. */
  title: string;
  /** Counted, failed attempts in which this check failed. */
  failedAttempts: number;
  /** Distinct learners who hit it. */
  learners: number;
  /** Most frequent first (ties: most recent first), at most 3. */
  topMessages: { message: string; count: number }[];
};

export type ExerciseSummary = {
  exercise: string;
  title: string;
  /** Learners in the class. */
  learners: number;
  /** Learners with at least one counted attempt (passed, stuck or in progress). */
  started: number;
  passed: number;
  stuck: number;
  inProgress: number;
  /** Learners whose state Catch me up made: neither passed nor failed. */
  caughtUp: number;
  notStarted: number;
  /** passed / started; null when nobody started. */
  passRateOfStarted: number | null;
  /** passed / learners; null in an empty class. */
  passRateOfAll: number | null;
  /** Median over learners who passed; null when nobody did. */
  medianTimeToPassMs: number | null;
  medianAttemptsToPass: number | null;
};

export type CellActivity = {
  learnerId: string;
  runs: number;
  /** Runs whose status is not `ok` (error, timeout, interrupted). */
  errors: number;
  lastRunAt: string | null;
};
