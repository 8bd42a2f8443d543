import type { ExerciseInfo, MatrixRow } from "@/contracts/dashboard";
import { byStartTime } from "./group-attempts";
import type { AttemptRecord, LearnerRecord } from "../store/class-records";

/** Column names of the exports; documented in README.md. Change them only on purpose. */
export const MATRIX_COLUMNS = ["learner_id", "learner_name", "exercise", "state", "attempts", "time_to_pass_seconds", "last_attempt_at"] as const;
export const ATTEMPT_COLUMNS = [
  "attempt_id",
  "learner_id",
  "learner_name",
  "exercise",
  "attempt_status",
  "started_at",
  "duration_ms",
  "check_id",
  "check_title",
  "check_status",
  "check_message",
] as const;

type Field = string | number | null | undefined;

/** Text a spreadsheet would run as a formula (CSV injection): learners choose their names, and messages echo what they typed. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field, RFC 4180: quoted when it holds a comma, a double quote, CR or
 * LF, with quotes doubled. Text that a spreadsheet would read as a formula gets
 * a leading `'` first (numbers are written as numbers, never touched). Null and
 * undefined are empty fields.
 */
export function csvField(value: Field): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: header line, then the rows; every line ends with CRLF (RFC 4180). */
export function toCsv(header: readonly string[], rows: Iterable<readonly Field[]>): string {
  const lines = [header.map(csvField).join(",")];
  for (const row of rows) lines.push(row.map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** One row per learner × exercise, learners in matrix order, exercises in course order. */
export function matrixCsv(matrix: readonly MatrixRow[], exercises: readonly ExerciseInfo[]): string {
  const rows: Field[][] = [];
  for (const row of matrix) {
    for (const exercise of exercises) {
      const cell = row.cells[exercise.id];
      if (!cell) continue;
      rows.push([
        row.learnerId,
        row.displayName,
        exercise.id,
        cell.state,
        cell.attempts,
        cell.timeToPassMs === null ? null : Math.round(cell.timeToPassMs / 1000),
        cell.lastAttemptAt,
      ]);
    }
  }
  return toCsv(MATRIX_COLUMNS, rows);
}

/**
 * One row per check result of every attempt (platform errors included: the
 * attempt_status says so), oldest attempt first, checks in report order. An
 * attempt without check results still gets one row, with the check columns empty.
 * Attempts must be loaded with all their checks (`loadClassData(db, {checks: "all"})`).
 */
export function attemptsCsv(learners: readonly LearnerRecord[], attempts: readonly AttemptRecord[]): string {
  const names = new Map(learners.map((learner) => [learner.id, learner.displayName]));
  // Built line by line (17 MiB for a class of 200): no per-row arrays.
  const lines = [ATTEMPT_COLUMNS.join(",")];
  for (const attempt of [...attempts].sort(byStartTime)) {
    const head = [attempt.id, attempt.learnerId, names.get(attempt.learnerId) ?? "", attempt.exercise, attempt.status, attempt.startedAt, attempt.durationMs].map(csvField).join(",");
    if (attempt.checks.length === 0) lines.push(`${head},,,,`);
    for (const check of attempt.checks) lines.push(`${head},${csvField(check.checkId)},${csvField(check.title)},${csvField(check.status)},${csvField(check.message)}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

export type ClassJsonExport = {
  generatedAt: string;
  exercises: ExerciseInfo[];
  learners: LearnerRecord[];
  /** Oldest first, with every check result. */
  attempts: AttemptRecord[];
};

export function classJson(
  data: { learners: readonly LearnerRecord[]; attempts: readonly AttemptRecord[] },
  exercises: readonly ExerciseInfo[],
  now: Date = new Date(),
): ClassJsonExport {
  return { generatedAt: now.toISOString(), exercises: [...exercises], learners: [...data.learners], attempts: [...data.attempts].sort(byStartTime) };
}
