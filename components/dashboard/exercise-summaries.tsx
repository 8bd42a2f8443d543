import type { ExerciseSummary } from "@/contracts/dashboard";
import { formatDuration, formatPercent } from "./format";

/** Pass rates as bars: a picture reads faster than a table here. */
export function ExerciseSummaries({ summaries }: { summaries: ExerciseSummary[] }) {
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Exercises">
      {summaries.map((summary) => {
        const total = Math.max(summary.learners, 1);
        const part = (n: number) => `${(n / total) * 100}%`;
        return (
          <li key={summary.exercise} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid={`summary-${summary.exercise}`}>
            <p className="font-medium">{summary.title}</p>
            <div className="mt-2 flex h-3 overflow-hidden rounded bg-slate-100 dark:bg-slate-800" role="img" aria-label={`${summary.passed} passed, ${summary.inProgress} in progress, ${summary.stuck} stuck, ${summary.caughtUp} caught up, ${summary.notStarted} not started`}>
              <span className="bg-emerald-500" style={{ width: part(summary.passed) }} />
              <span className="bg-sky-400" style={{ width: part(summary.inProgress) }} />
              <span className="bg-red-500" style={{ width: part(summary.stuck) }} />
              <span className="bg-amber-400" style={{ width: part(summary.caughtUp) }} />
            </div>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
              {summary.passed}/{summary.learners} passed{summary.caughtUp ? ` · ${summary.caughtUp} caught up` : ""} · pass rate {formatPercent(summary.passRateOfStarted)} of those who started · median time to pass{" "}
              {formatDuration(summary.medianTimeToPassMs)}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
