import type { Outcome } from "./check-spec";

/**
 * Run-level checks are scored on every candidate run; the graded run is the
 * one that passes the most, the latest one on ties. "local" checks read only
 * what runs/search already returned; "remote" ones cost requests (artifact
 * listings, the logged model), so they run only on runs that could still win.
 */
export type RunCheck<Run> = {
  id: string;
  cost: "local" | "remote";
  evaluateRun(run: Run): Outcome | Promise<Outcome>;
};

export type Candidate<Run> = { run: Run; startTime: number };

export type Selection<Run> = { run: Run; outcomes: Map<string, Outcome>; passedCount: number };

/** Bounds the requests one grading makes when a learner has many near-identical runs. */
export const MAX_REMOTE_EVALUATIONS = 25;

export async function selectGradedRun<Run>(
  candidates: readonly Candidate<Run>[],
  checks: readonly RunCheck<Run>[],
  options: { maxRemoteEvaluations?: number } = {},
): Promise<Selection<Run> | null> {
  if (candidates.length === 0) return null;
  const local = checks.filter((check) => check.cost === "local");
  const remote = checks.filter((check) => check.cost === "remote");

  const scored = await Promise.all(
    candidates.map(async (candidate) => {
      const outcomes = new Map<string, Outcome>();
      for (const check of local) outcomes.set(check.id, await check.evaluateRun(candidate.run));
      return { ...candidate, outcomes, localPassed: countPassed(outcomes) };
    }),
  );
  // Most promising first, so that the bound below prunes the rest.
  scored.sort((a, b) => b.localPassed - a.localPassed || b.startTime - a.startTime);

  let best: (typeof scored)[number] & { passedCount: number } | undefined;
  let remoteBudget = options.maxRemoteEvaluations ?? MAX_REMOTE_EVALUATIONS;
  for (const candidate of scored) {
    const upperBound = candidate.localPassed + remote.length;
    if (best && (upperBound < best.passedCount || (upperBound === best.passedCount && candidate.startTime <= best.startTime))) continue;
    if (remote.length > 0) {
      if (remoteBudget <= 0) break;
      remoteBudget -= 1;
      for (const check of remote) candidate.outcomes.set(check.id, await check.evaluateRun(candidate.run));
    }
    const passedCount = countPassed(candidate.outcomes);
    if (!best || passedCount > best.passedCount || (passedCount === best.passedCount && candidate.startTime > best.startTime)) {
      best = { ...candidate, passedCount };
    }
  }
  // Only reachable with a zero budget: grade the most promising run on its local checks.
  best ??= { ...scored[0], passedCount: scored[0].localPassed };
  return { run: best.run, outcomes: best.outcomes, passedCount: best.passedCount };
}

function countPassed(outcomes: Map<string, Outcome>): number {
  let count = 0;
  for (const outcome of outcomes.values()) if (outcome.status === "passed") count += 1;
  return count;
}
