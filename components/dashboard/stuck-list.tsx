import type { StuckLearner } from "@/contracts/dashboard";
import { formatTime } from "./format";

export function StuckList({ stuck, titles, onOpen }: { stuck: StuckLearner[]; titles: Record<string, string>; onOpen: (learnerId: string) => void }) {
  if (stuck.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">Nobody is stuck right now.</p>;
  return (
    <ul className="space-y-2" data-testid="stuck-list">
      {stuck.map((learner) => (
        <li key={`${learner.learnerId}/${learner.exercise}`} className="rounded border border-red-200 bg-red-50 p-2 text-sm dark:border-red-900 dark:bg-red-950/30">
          <button type="button" className="font-medium underline" onClick={() => onOpen(learner.learnerId)}>
            {learner.displayName}
          </button>{" "}
          on {titles[learner.exercise] ?? learner.exercise}:{" "}
          {learner.reason === "repeated-failure"
            ? `${learner.failedAttempts} failed attempts on "${learner.failingCheck?.title ?? "a check"}" since ${formatTime(learner.since)}`
            : `no progress since ${formatTime(learner.since)} while active`}
          {learner.failingCheck?.message && <span className="block text-slate-600 dark:text-slate-300">{learner.failingCheck.message}</span>}
        </li>
      ))}
    </ul>
  );
}
