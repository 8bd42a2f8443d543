import { isPlatformError } from "../platform-error";
import type { CheckResult } from "../report";
import type { CheckSpec } from "./check-spec";
import { pickHint } from "./pick-hint";

export const NOT_YOUR_FAULT =
  "This is a problem with the course platform, not with your work, and it does not count as an attempt. Check again in a moment.";

/**
 * Runs checks, reported in order. A check starts as soon as the checks it requires are done, so
 * independent ones wait on MLflow at the same time (the state's reads are shared and made once);
 * a Check then takes its longest chain of requests, not their sum. A check whose prerequisite
 * did not pass is `skipped` with the reason; a check that throws is `error` (PlatformError:
 * MLflow or a helper failed; anything else: a bug in the grader), never `failed`.
 */
export async function runChecks<State>(specs: readonly CheckSpec<State>[], state: State, options: { attempt: number }): Promise<CheckResult[]> {
  const started = new Map<string, Promise<CheckResult>>();
  for (const spec of specs) {
    const required = (spec.requires ?? []).flatMap((id) => {
      const result = started.get(id);
      return result ? [result.then((done) => [id, done] as const)] : [];
    });
    started.set(
      spec.id,
      Promise.all(required).then(async (earlier) => {
        const result = await runOne(spec, state, new Map(earlier), options.attempt);
        if (spec.optional) result.optional = true;
        return result;
      }),
    );
  }
  return Promise.all(specs.map((spec) => started.get(spec.id)!));
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
