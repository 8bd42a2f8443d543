import type { CellActivity } from "@/contracts/dashboard";
import { compareTimes } from "./group-attempts";
import type { CellRunRecord } from "../store/class-records";

/**
 * Cell runs per learner, by learner id. Learners in `learnerIds` without runs
 * get a zero row, so the page can show every learner.
 */
export function cellActivity(cellRuns: readonly CellRunRecord[], learnerIds: readonly string[] = []): CellActivity[] {
  const byLearner = new Map<string, CellActivity>(learnerIds.map((learnerId) => [learnerId, { learnerId, runs: 0, errors: 0, lastRunAt: null }]));
  for (const run of cellRuns) {
    let entry = byLearner.get(run.learnerId);
    if (!entry) byLearner.set(run.learnerId, (entry = { learnerId: run.learnerId, runs: 0, errors: 0, lastRunAt: null }));
    entry.runs += 1;
    if (run.status !== "ok") entry.errors += 1;
    if (entry.lastRunAt === null || compareTimes(run.startedAt, entry.lastRunAt) > 0) entry.lastRunAt = run.startedAt;
  }
  return [...byLearner.values()].sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
}
