"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { LearnerDetail } from "@/contracts/learner-detail";
import { requestJson } from "../request-json";
import { formatTime } from "./format";

const STATUS_TONE: Record<string, string> = {
  passed: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  error: "text-amber-700 dark:text-amber-300",
  caught_up: "text-amber-700 dark:text-amber-300",
  skipped: "text-slate-500 dark:text-slate-400",
};

/** One learner's attempts, code and activity. Code is shown as text, never as HTML. */
export function LearnerDrilldown({ learnerId, onClose }: { learnerId: string; onClose: () => void }) {
  const detail = useQuery({
    queryKey: ["learner", learnerId],
    queryFn: () => requestJson<LearnerDetail>(`/api/instructor/learners/${encodeURIComponent(learnerId)}`),
    refetchInterval: 5000,
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [learnerId]);
  const data = detail.data;
  return (
    <section aria-labelledby="drilldown-title" className="rounded-lg border border-slate-300 p-4 dark:border-slate-700" data-testid="learner-drilldown">
      <div className="flex items-center gap-3">
        <h2 id="drilldown-title" ref={heading} tabIndex={-1} className="text-xl font-semibold">
          {data?.learner.displayName ?? "Learner"}
        </h2>
        {data && (
          <a href={data.workspaceLink} target="_blank" rel="noreferrer" className="text-sm text-sky-700 underline dark:text-sky-400">
            Open their MLflow workspace (read-only)
          </a>
        )}
        <button type="button" onClick={onClose} className="ml-auto rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700">
          Close
        </button>
      </div>
      {detail.isError && <p role="alert">{detail.error.message}</p>}
      {data && (
        <div className="mt-3 grid gap-6 lg:grid-cols-2">
          <div>
            <p className="text-sm text-slate-600 dark:text-slate-300">
              {data.activity.cellRuns} cell runs, {data.activity.cellErrors} with errors · last lesson {data.learner.lastLesson ?? "—"} · last seen{" "}
              {formatTime(data.learner.lastSeenAt)}
            </p>
            <h3 className="mt-3 font-semibold">Attempts ({data.attempts.length})</h3>
            <ol className="mt-1 space-y-2 text-sm">
              {data.attempts.map((attempt) => (
                <li key={attempt.id} className="rounded border border-slate-200 p-2 dark:border-slate-800">
                  <p>
                    <span className={`font-medium ${STATUS_TONE[attempt.status] ?? ""}`}>{attempt.status === "caught_up" ? "caught up" : attempt.status}</span> · {attempt.exercise} · {formatTime(attempt.startedAt)}
                    {!attempt.counted && attempt.status === "error" && <span className="ml-1 text-xs text-amber-700 dark:text-amber-300">(platform error, not counted)</span>}
                  </p>
                  <ul className="mt-1 space-y-0.5">
                    {attempt.checks
                      .filter((check) => check.status !== "passed")
                      .map((check) => (
                        <li key={check.checkId}>
                          <span className={STATUS_TONE[check.status] ?? ""}>{check.status}</span> {check.title}: <span className="text-slate-600 dark:text-slate-300">{check.message}</span>
                        </li>
                      ))}
                  </ul>
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h3 className="font-semibold">Their exercise code</h3>
            {data.code.length === 0 && <p className="text-sm text-slate-500 dark:text-slate-400">No edited exercise cells yet.</p>}
            {data.code.map((cell) => (
              <figure key={`${cell.lesson}/${cell.cellId}`} className="mt-2">
                <figcaption className="text-sm text-slate-600 dark:text-slate-300">
                  {cell.exercise} · saved {formatTime(cell.updatedAt)}
                </figcaption>
                <pre tabIndex={0} className="mt-1 max-h-80 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900">{cell.code}</pre>
              </figure>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
