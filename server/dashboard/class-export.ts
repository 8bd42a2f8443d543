import type { Store } from "../store/database";
import { aggregateDashboard, courseExercises, type ClassDashboardOptions } from "./class-dashboard";
import { attemptsCsv, classJson, matrixCsv } from "./export";
import { loadClassData } from "../store/class-data";

export type ExportKind = "matrix-csv" | "attempts-csv" | "json";

export type ExportFile = { filename: string; contentType: string; body: string };

/**
 * One download, ready for a route handler to send with
 * `Content-Disposition: attachment; filename="<filename>"`.
 */
export async function classExport(db: Store, kind: ExportKind, now: Date = new Date(), options: ClassDashboardOptions = {}): Promise<ExportFile> {
  const exercises = options.exercises ?? courseExercises();
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, "-");
  const csv = "text/csv; charset=utf-8; header=present";
  if (kind === "matrix-csv") {
    const data = await loadClassData(db, { mode: options.mode, checks: "failed" });
    const { matrix } = aggregateDashboard(data, exercises, now, options);
    return { filename: `class-matrix-${stamp}.csv`, contentType: csv, body: matrixCsv(matrix, exercises) };
  }
  const data = await loadClassData(db, { mode: options.mode, checks: "all" });
  if (kind === "attempts-csv") return { filename: `class-attempts-${stamp}.csv`, contentType: csv, body: attemptsCsv(data.learners, data.attempts) };
  return { filename: `class-${stamp}.json`, contentType: "application/json; charset=utf-8", body: JSON.stringify(classJson(data, exercises, now)) };
}
