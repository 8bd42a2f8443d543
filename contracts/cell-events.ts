/**
 * What the run route streams, one JSON object per line. The browser renders
 * these; HTML has been sanitized before it gets here.
 */
export type CellEvent =
  | { type: "status"; state: "queued" | "starting" | "busy" | "idle" }
  | { type: "stream"; name: "stdout" | "stderr"; text: string }
  | { type: "html"; html: string }
  | { type: "image"; mime: "image/png" | "image/jpeg"; data: string; alt?: string }
  | { type: "text"; text: string }
  | { type: "error"; ename: string; evalue: string; traceback: string[] }
  | { type: "clear"; wait: boolean }
  | { type: "notice"; level: "info" | "warning" | "error"; text: string }
  | { type: "done"; status: CellRunStatus; executionCount: number | null; durationMs: number };

export type CellRunStatus = "ok" | "error" | "timeout" | "dead" | "interrupted";

/** Events worth keeping with the cell (for reloads and the .ipynb download). */
export function isOutputEvent(event: CellEvent): boolean {
  return event.type !== "status" && event.type !== "done";
}
