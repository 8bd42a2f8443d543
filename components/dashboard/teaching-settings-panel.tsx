"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CATCH_UP_MAX_FAILURES as MAX_FAILURES, CATCH_UP_MIN_FAILURES as MIN_FAILURES, DEFAULT_CATCH_UP_POLICY, type CatchUpPolicy } from "@/contracts/catch-up-policy";
import type { TeachingSettings } from "@/contracts/classroom";
import { requestJson } from "../request-json";

const DEFAULT_FAILURES = DEFAULT_CATCH_UP_POLICY.mode === "after-failures" ? DEFAULT_CATCH_UP_POLICY.failures : 3;

/** The lesson the class is on, and when learners are offered catch-up. Each saved on its own. */
export function TeachingSettingsPanel() {
  const client = useQueryClient();
  const settings = useQuery({ queryKey: ["teaching-settings"], queryFn: () => requestJson<TeachingSettings>("/api/instructor/class/settings") });
  const [notice, setNotice] = useState("");
  const save = useMutation({
    mutationFn: (change: { classLesson?: string | null; catchUp?: CatchUpPolicy }) => requestJson<TeachingSettings>("/api/instructor/class/settings", { method: "PUT", body: change }),
    onSuccess: (saved, change) => {
      client.setQueryData(["teaching-settings"], saved);
      if (change.classLesson !== undefined) {
        const lesson = saved.lessons.find((candidate) => candidate.slug === saved.classLesson);
        setNotice(lesson ? `Learners now see "The class is on lesson ${lesson.number}: ${lesson.title}".` : "No class lesson: learners see none.");
      } else setNotice("Catch-up setting saved.");
    },
    onError: (error) => setNotice(error.message),
  });
  const data = settings.data;

  return (
    <section aria-labelledby="teaching-title" className="rounded-lg border border-slate-300 p-4 dark:border-slate-700">
      <h2 id="teaching-title" className="text-xl font-semibold">
        Lesson and catch-up
      </h2>
      {data ? (
        <>
          <ClassLessonForm key={`lesson-${data.classLesson}`} settings={data} onSave={(classLesson) => save.mutate({ classLesson })} pending={save.isPending} />
          <CatchUpForm key={`catch-up-${JSON.stringify(data.catchUp)}`} policy={data.catchUp} onSave={(catchUp) => save.mutate({ catchUp })} pending={save.isPending} />
        </>
      ) : (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{settings.isError ? settings.error.message : "Loading…"}</p>
      )}
      <p role="status" aria-live="polite" className="mt-2 text-sm" data-testid="teaching-notice">
        {notice}
      </p>
    </section>
  );
}

function ClassLessonForm({ settings, onSave, pending }: { settings: TeachingSettings; onSave: (slug: string | null) => void; pending: boolean }) {
  const [slug, setSlug] = useState(settings.classLesson ?? "");
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(slug || null);
      }}
    >
      <label className="block grow">
        <span className="mb-1 block text-sm font-medium">The class is on</span>
        <select value={slug} onChange={(event) => setSlug(event.target.value)} className="w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900" data-testid="class-lesson-select">
          <option value="">No lesson (learners see none)</option>
          {settings.lessons.map((lesson) => (
            <option key={lesson.slug} value={lesson.slug}>
              Lesson {lesson.number}: {lesson.title}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={pending} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800">
        Set lesson
      </button>
    </form>
  );
}

function CatchUpForm({ policy, onSave, pending }: { policy: CatchUpPolicy; onSave: (policy: CatchUpPolicy) => void; pending: boolean }) {
  const [mode, setMode] = useState<CatchUpPolicy["mode"]>(policy.mode);
  const [failures, setFailures] = useState(String(policy.mode === "after-failures" ? policy.failures : DEFAULT_FAILURES));
  const radio = (value: CatchUpPolicy["mode"], label: string) => (
    <label className="flex items-center gap-2 py-1">
      <input type="radio" name="catch-up-mode" value={value} checked={mode === value} onChange={() => setMode(value)} className="h-4 w-4" />
      {label}
    </label>
  );
  return (
    <form
      className="mt-4"
      onSubmit={(event) => {
        event.preventDefault();
        // The server checks the number too; a wrong one comes back as its 400 message.
        onSave(mode === "after-failures" ? { mode, failures: Number(failures) } : { mode });
      }}
    >
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">Offer catch-up for an exercise</legend>
        {radio("always", "Always")}
        <div className="flex flex-wrap items-center gap-2">
          {radio("after-failures", "After failed Checks:")}
          <label className="flex items-center gap-1">
            <span className="sr-only">Number of failed Checks</span>
            <input
              type="number"
              inputMode="numeric"
              min={MIN_FAILURES}
              max={MAX_FAILURES}
              step={1}
              value={failures}
              disabled={mode !== "after-failures"}
              onChange={(event) => setFailures(event.target.value)}
              className="w-16 rounded border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900"
              data-testid="catch-up-failures"
            />
            <span className="text-slate-600 dark:text-slate-400">
              ({MIN_FAILURES}–{MAX_FAILURES})
            </span>
          </label>
        </div>
        {radio("never", "Never (a lesson's needs can still be caught up)")}
      </fieldset>
      <button type="submit" disabled={pending} className="mt-2 rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800">
        Save catch-up
      </button>
    </form>
  );
}
