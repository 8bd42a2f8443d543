"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { CaughtUpExercise } from "@/contracts/catch-up";
import type { CheckResponse } from "@/contracts/check";
import type { CheckResult } from "@/contracts/report";
import type { SparkQueueView } from "@/contracts/spark";
import { requestJson } from "../request-json";
import { CatchUpOffer, useCatchUp } from "./catch-up-offer";
import { CatchUpResultView, SolutionsBeside } from "./catch-up-result";

const ICONS: Record<CheckResult["status"], { mark: string; label: string; tone: string }> = {
  passed: { mark: "✓", label: "passed", tone: "text-emerald-700 dark:text-emerald-400" },
  failed: { mark: "✗", label: "failed", tone: "text-red-700 dark:text-red-400" },
  skipped: { mark: "–", label: "skipped", tone: "text-slate-500 dark:text-slate-400" },
  error: { mark: "!", label: "could not be checked", tone: "text-amber-700 dark:text-amber-300" },
};

const runCheck = (exercise: string) => requestJson<CheckResponse>(`/api/exercises/${exercise}/check`, { method: "POST" });

/** The Check button of one exercise and its checklist. Alt+Shift+C checks from anywhere in the lesson. */
export function CheckPanel({
  exercise,
  title,
  passedBefore,
  shortcut,
  catchUpOffered,
  caughtUp,
  usesSpark = false,
}: {
  exercise: string;
  title: string;
  passedBefore: boolean;
  shortcut: boolean;
  /** Catch me up may be offered now (the class's setting, this learner's failed Checks). */
  catchUpOffered: boolean;
  /** Caught up earlier (not passed since): the reference code that ran, beside the learner's. */
  caughtUp: CaughtUpExercise["solutions"] | null;
  /** The Check runs Spark (its helper is a JVM, which waits for one of the machine's slots). */
  usesSpark?: boolean;
}) {
  const router = useRouter();
  const catchUp = useCatchUp(`/api/exercises/${exercise}/catch-up`);
  const check = useMutation({
    mutationFn: () => runCheck(exercise),
    // The outline's ticks are server-rendered: refresh them once the exercise passes.
    onSuccess: ({ report }) => {
      if (report.status === "passed" && !passedBefore) router.refresh();
    },
  });
  const button = useRef<HTMLButtonElement>(null);
  const mutate = check.mutate;
  // A Check whose helper starts Spark waits for one of the machine's Spark slots: say where it stands.
  const sparkQueue = useQuery({
    queryKey: ["spark-queue", exercise],
    queryFn: () => requestJson<SparkQueueView>("/api/spark"),
    enabled: usesSpark && check.isPending,
    refetchInterval: 2000,
  });
  const sparkWait = usesSpark && check.isPending ? sparkQueue.data?.check : null;

  useEffect(() => {
    if (!shortcut) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && event.shiftKey && event.code === "KeyC") {
        event.preventDefault();
        button.current?.focus();
        if (button.current?.getAttribute("aria-disabled") !== "true") mutate();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shortcut, mutate]);

  const report = check.data?.report;
  const passed = (report?.status === "passed" && !check.data?.caughtUp) || (!report && passedBefore);
  const offerCatchUp = !passed && !caughtUp && !catchUp.data && (check.data ? check.data.catchUpOffered : catchUpOffered);
  const counts = report ? report.checks.filter((c) => !c.optional) : [];
  const summary = !report
    ? ""
    : report.status === "error"
      ? "The course could not finish checking your work. This is not your fault: see below and try again."
      : `${counts.filter((c) => c.status === "passed").length} of ${counts.length} checks passed${
          report.status !== "passed" ? "." : check.data?.caughtUp ? ", on what Catch me up made: it counts as caught up. Do it yourself (your own run) to pass it." : ": exercise complete!"
        }`;

  return (
    <section
      aria-labelledby={`check-${exercise}-title`}
      data-testid={`check-${exercise}`}
      data-status={report?.status ?? (passedBefore ? "passed" : "none")}
      className={`my-6 rounded-lg border p-4 ${passed ? "border-emerald-400 dark:border-emerald-700" : "border-slate-300 dark:border-slate-700"}`}
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 id={`check-${exercise}-title`} className="text-lg font-semibold">
          Check: {title}
        </h2>
        {passed && <span className="rounded bg-emerald-100 px-2 py-0.5 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">Passed</span>}
        {!passed && (caughtUp || catchUp.data?.exercises.some((made) => made.status === "caught-up")) && (
          <span className="rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200" data-testid="caught-up-badge">
            Caught up
          </span>
        )}
        <button
          ref={button}
          type="button"
          // aria-disabled, not disabled: a disabled button would drop the keyboard's focus to the page.
          onClick={() => !check.isPending && check.mutate()}
          aria-disabled={check.isPending}
          aria-keyshortcuts={shortcut ? "Alt+Shift+C" : undefined}
          className="ml-auto rounded bg-violet-700 px-4 py-1.5 font-medium text-white hover:bg-violet-800 aria-disabled:opacity-60"
        >
          {check.isPending ? "Checking…" : "Check"}
        </button>
      </div>
      {shortcut && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Shortcut: Alt+Shift+C</p>}
      {offerCatchUp && (
        <CatchUpOffer catchUp={catchUp}>Stuck? Catch me up runs the reference solution in your workspace so the next lessons work. It counts as caught up, not passed.</CatchUpOffer>
      )}
      {(catchUp.isPending || catchUp.isError) && (
        <p role="status" className="mt-2 text-sm" data-testid="exercise-catch-up-status">
          {catchUp.isPending ? "Running the reference solution in your workspace…" : `Catch me up did not finish: ${catchUp.error?.message}`}
        </p>
      )}
      {catchUp.data && <CatchUpResultView result={catchUp.data} />}
      {!catchUp.data && caughtUp && caughtUp.length > 0 && (
        <details className="mt-3">
          <summary className="cursor-pointer text-sm font-medium">The reference solution Catch me up ran, beside your code</summary>
          <SolutionsBeside solutions={caughtUp} />
        </details>
      )}
      {sparkWait && (
        <p role="status" className="mt-2 rounded bg-sky-50 p-2 text-sm text-sky-900 dark:bg-sky-950/40 dark:text-sky-100" data-testid="check-spark-wait">
          {sparkWait.message}
        </p>
      )}
      <div className="mt-3">
        {/* Announced once, when the Check ends: the summary only; the checklist is read on demand. */}
        <p role="status" className={check.isError ? "rounded bg-amber-50 p-2 text-amber-900 dark:bg-amber-950/40 dark:text-amber-200" : summary ? "font-medium" : "sr-only"} data-testid="check-summary">
          {check.isPending ? "" : check.isError ? `The Check did not run: ${check.error.message}` : summary}
        </p>
        {report && (
          <>
            {report.gradedRun && (
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
                Graded run:{" "}
                <a className="text-sky-700 underline dark:text-sky-400" href={report.gradedRun.link} target="_blank" rel="noreferrer">
                  {report.gradedRun.runName ?? report.gradedRun.runId}
                </a>
              </p>
            )}
            <ul className="mt-3 space-y-2">
              {report.checks.map((result) => (
                <CheckLine key={result.id} result={result} />
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

function CheckLine({ result }: { result: CheckResult }) {
  const icon = ICONS[result.status];
  return (
    <li className="rounded border border-slate-200 p-2 text-sm dark:border-slate-800" data-testid={`check-line-${result.id}`} data-status={result.status}>
      <div className="flex items-start gap-2">
        <span aria-hidden className={`w-4 font-bold ${icon.tone}`}>
          {icon.mark}
        </span>
        <div className="min-w-0 flex-1">
          <p>
            <span className="font-medium">{result.title}</span>
            <span className="sr-only"> {icon.label}</span>
            {result.optional && <span className="ml-2 rounded bg-slate-100 px-1 text-xs dark:bg-slate-800">optional</span>}
          </p>
          {result.status !== "passed" && result.message && <p className="mt-0.5 text-slate-700 dark:text-slate-300">{result.message}</p>}
          {result.hint && result.status !== "passed" && <p className="mt-1 text-amber-800 dark:text-amber-300">Hint: {result.hint}</p>}
          {result.link && (
            <a className="mt-1 inline-block text-sky-700 underline dark:text-sky-400" href={result.link} target="_blank" rel="noreferrer">
              Open in MLflow
            </a>
          )}
        </div>
      </div>
    </li>
  );
}
