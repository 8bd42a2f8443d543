// Crafted histories for the dashboard's tests (not used by the app).
import type { AttemptRecord, CellRunRecord, CheckRecord, LearnerRecord } from "../store/class-records";

/** The tests' "now": 2026-11-26 10:00 UTC. */
export const NOW = new Date("2026-11-26T10:00:00.000Z");

/** The ISO time `minutes` from NOW (negative: before). */
export const at = (minutes: number, extraMs = 0): string => new Date(NOW.getTime() + minutes * 60_000 + extraMs).toISOString();

export const learner = (id: string, joinedMinutes = -60, displayName = id.toUpperCase()): LearnerRecord => ({
  id,
  displayName,
  joinedAt: at(joinedMinutes),
  lastSeenAt: at(0),
});

export const check = (checkId: string, status: string = "failed", message = `${checkId} ${status}`, title = `Check ${checkId}`): CheckRecord => ({ checkId, title, status, message });

let serial = 0;

export function attempt(learnerId: string, exercise: string, minutes: number, status: AttemptRecord["status"], checks: CheckRecord[] = [], extra: Partial<AttemptRecord> = {}): AttemptRecord {
  serial += 1;
  return {
    id: `a${String(serial).padStart(5, "0")}`,
    learnerId,
    exercise,
    status,
    counted: status === "passed" || status === "failed",
    startedAt: at(minutes),
    durationMs: 50,
    checks,
    ...extra,
  };
}

/** A failed attempt on the given checks (the others passed). */
export const fail = (learnerId: string, exercise: string, minutes: number, ...failing: string[]): AttemptRecord =>
  attempt(learnerId, exercise, minutes, "failed", [check("ok-check", "passed"), ...failing.map((id) => check(id))]);

export const pass = (learnerId: string, exercise: string, minutes: number): AttemptRecord => attempt(learnerId, exercise, minutes, "passed", [check("ok-check", "passed")]);

export const platformError = (learnerId: string, exercise: string, minutes: number): AttemptRecord =>
  attempt(learnerId, exercise, minutes, "error", [check("mlflow", "error", "MLflow did not answer (not your fault)")]);

export const cellRun = (learnerId: string, minutes: number, status = "ok"): CellRunRecord => ({ learnerId, lessonSlug: "tracking", cellId: "cell-1", status, startedAt: at(minutes) });

/** Catch me up made the exercise's state (stored like a pass, but never counted). */
export const caughtUp = (learnerId: string, exercise: string, minutes: number): AttemptRecord => attempt(learnerId, exercise, minutes, "caught_up", [check("ok-check", "passed")]);
