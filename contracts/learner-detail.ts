/** What `GET /api/instructor/learners/<id>` answers: one learner's history, for the instructor's drill-down. */

export type LearnerDetail = {
  learner: { id: string; displayName: string; joinedAt: string; lastSeenAt: string; lastLesson: string | null };
  attempts: Array<{
    id: string;
    exercise: string;
    status: string;
    counted: boolean;
    startedAt: string;
    durationMs: number;
    checks: Array<{ checkId: string; title: string; status: string; message: string }>;
  }>;
  /** The learner's own code of every exercise cell they edited (plain text; the page shows it as text). */
  code: Array<{ lesson: string; cellId: string; exercise: string; code: string; updatedAt: string }>;
  activity: { cellRuns: number; cellErrors: number };
  /** Opens their MLflow workspace, read-only. */
  workspaceLink: string;
};
