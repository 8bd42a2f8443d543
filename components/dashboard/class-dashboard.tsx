"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ClassDashboard as Dashboard } from "@/contracts/dashboard";
import { ClassManager } from "../classroom/class-manager";
import { requestJson } from "../request-json";
import { ClassMatrix } from "./class-matrix";
import { ClassMessages } from "./class-messages";
import { CommonFailures } from "./common-failures";
import { ExerciseSummaries } from "./exercise-summaries";
import { LearnerDrilldown } from "./learner-drilldown";
import { StuckList } from "./stuck-list";
import { TeachingSettingsPanel } from "./teaching-settings-panel";
import { formatTime, timeToPassMeaning } from "./format";


/**
 * The instructor's live view of the class.
 *
 * Live updates are React Query polling every 2 seconds rather than server-sent
 * events: one small JSON read (measured in bench/dashboard for 200 learners),
 * no long-lived connection to keep per instructor tab, nothing for proxies to
 * buffer, and a missed update heals itself at the next poll.
 */
export function ClassDashboard() {
  const dashboard = useQuery({ queryKey: ["dashboard"], queryFn: () => requestJson<Dashboard>("/api/instructor/dashboard"), refetchInterval: 2000, refetchIntervalInBackground: true });
  const [open, setOpen] = useState<string | null>(null);
  const data = dashboard.data;
  const titles = Object.fromEntries((data?.exercises ?? []).map((exercise) => [exercise.id, exercise.title]));

  return (
    <div className="space-y-10">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-3xl font-bold tracking-tight">Class dashboard</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400" aria-live="off">
          {dashboard.isError ? <span className="text-red-700 dark:text-red-300">Updates paused: {dashboard.error.message}</span> : `Updated ${formatTime(data?.generatedAt)}, every 2 s`}
        </p>
        <nav aria-label="Exports" className="ml-auto flex gap-2 text-sm">
          <a className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" href="/api/instructor/export?kind=matrix-csv" download>
            Matrix CSV
          </a>
          <a className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" href="/api/instructor/export?kind=attempts-csv" download>
            Attempts CSV
          </a>
          <a className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" href="/api/instructor/export?kind=json" download>
            JSON
          </a>
        </nav>
      </div>

      {open && <LearnerDrilldown learnerId={open} onClose={() => setOpen(null)} />}

      <div className="grid gap-8 lg:grid-cols-2">
        <ClassMessages />
        <TeachingSettingsPanel />
      </div>

      <section aria-labelledby="progress-title">
        <h2 id="progress-title" className="mb-1 text-xl font-semibold">
          Progress by exercise
        </h2>
        <p id="time-to-pass-meaning" className="mb-3 text-xs text-slate-500 dark:text-slate-400" data-testid="time-to-pass-meaning">
          {timeToPassMeaning("instructor")}
        </p>
        <ExerciseSummaries summaries={data?.summaries ?? []} />
      </section>

      <div className="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="failures-title">
          <h2 id="failures-title" className="mb-3 text-xl font-semibold">
            Checks that fail most often
          </h2>
          <CommonFailures failures={data?.commonFailures ?? []} titles={titles} />
        </section>
        <section aria-labelledby="stuck-title">
          <h2 id="stuck-title" className="mb-1 text-xl font-semibold">
            Stuck learners
          </h2>
          {data && (
            <p className="mb-2 text-xs text-slate-500 dark:text-slate-400">
              {data.options.stuckFailures}+ failed attempts on the same check in {data.options.stuckWindowMinutes} min, or active but no exercise passed for{" "}
              {data.options.noProgressMinutes} min.
            </p>
          )}
          <StuckList stuck={data?.stuck ?? []} titles={titles} onOpen={setOpen} />
        </section>
      </div>

      <section aria-labelledby="matrix-title">
        <h2 id="matrix-title" className="mb-3 text-xl font-semibold">
          Class matrix
        </h2>
        <ClassMatrix rows={data?.matrix ?? []} exercises={data?.exercises ?? []} onOpen={setOpen} />
      </section>

      <ClassManager />
    </div>
  );
}
