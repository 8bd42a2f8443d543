import type { CellEvent } from "@/contracts/cell-events";

/** Where the course serves MLflow's UI to browsers (the site's proxy). */
export const COURSE_MLFLOW_UI = "/mlflow/";

/**
 * What MLflow prints after a run: `🏃 View run <name> at: <tracking URI>/#/experiments/...` and
 * `🧪 View experiment at: ...`. The tracking URI is how the kernel reaches MLflow (MLflow itself on
 * the server's loopback, the gate inside a sandbox, another instance's gate), which no learner's
 * browser opens; whichever it was, the link is made the course's UI.
 */
const MLFLOW_UI_LINK = /(View run \S+ at: |View experiment at: )https?:\/\/[^\s#]+\/#\//g;

/** MLflow's printed UI links made links to the course's UI (same hash route, `?workspace=` kept). */
export function linkToCourseMlflow(text: string): string {
  return text.replace(MLFLOW_UI_LINK, `$1${COURSE_MLFLOW_UI}#/`);
}

/** A cell event with MLflow's UI links pointing at the course's UI. */
export function withCourseMlflowLinks(event: CellEvent): CellEvent {
  if (event.type === "stream" || event.type === "text") {
    const text = linkToCourseMlflow(event.text);
    return text === event.text ? event : { ...event, text };
  }
  return event;
}
