import { isPlatformError } from "../platform-error";
import type { CheckResult } from "../report";
import type { CheckSpec } from "./check-spec";
import { pickHint } from "./pick-hint";

export const NOT_YOUR_FAULT =
  "This is a problem with the course platform, not with your work, and it does not count as an attempt. Check again in a moment.";

/**
 * Runs checks in order. A check whose prerequisite did not pass is `skipped`
 * with the reason; a check that throws is `error` (PlatformError: MLflow or a
 * helper failed; anything else: a bug in the grader), never `failed`.
 */
export async function runChecks<State>(specs: readonly CheckSpec<State>[], state: State, options: { attempt: number }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const byId = new Map<string, CheckResult>();
  for (const spec of specs) {
    const result = await runOne(spec, state, byId, options.attempt);
    if (spec.optional) result.optional = true;
    results.push(result);
    byId.set(spec.id, result);
  }
  return results;
}

async function runOne<State>(spec: CheckSpec<State>, state: State, earlier: Map<string, CheckResult>, attempt: number): Promise<CheckResult> {
  const base = { id: spec.id, title: spec.title };
  const blocker = (spec.requires ?? []).map((id) => earlier.get(id)).find((result) => result && result.status !== "passed");
  if (blocker) {
    // A chain of skips names its root cause, not the check just before.
    if (blocker.status === "skipped") return { ...base, status: "skipped", message: blocker.message };
    const why = blocker.status === "error" ? "could not be checked" : "did not pass";
    return { ...base, status: "skipped", message: `Not checked because "${blocker.title}" ${why}.` };
  }
  try {
    const outcome = await spec.evaluate(state);
    if (outcome.status === "passed") return { ...base, status: "passed", message: outcome.message, ...(outcome.link ? { link: outcome.link } : {}) };
    return {
      ...base,
      status: "failed",
      message: outcome.message,
      hint: pickHint(spec.hints, outcome.hintKind, attempt),
      ...(outcome.link ? { link: outcome.link } : {}),
    };
  } catch (error) {
    if (isPlatformError(error)) return { ...base, status: "error", message: `Could not check this: ${error.message}. ${NOT_YOUR_FAULT}` };
    const detail = error instanceof Error ? error.message : String(error);
    return { ...base, status: "error", message: `The grader itself failed on this check (${detail}). ${NOT_YOUR_FAULT}` };
  }
}
