"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ClassOverview, NewClassResult, RejoinLink } from "@/contracts/classroom";
import { requestJson } from "../request-json";

/** Class code and learner list for the instructor. Polled: the list changes as learners join. */
export function ClassManager() {
  const client = useQueryClient();
  const overview = useQuery({ queryKey: ["class"], queryFn: () => requestJson<ClassOverview>("/api/instructor/class"), refetchInterval: 3000 });
  const [notice, setNotice] = useState("");
  const refresh = () => client.invalidateQueries({ queryKey: ["class"] });
  const rotate = useMutation({ mutationFn: () => requestJson("/api/instructor/class", { body: { action: "rotate-code" } }), onSuccess: () => (setNotice("New class code: the old one no longer works."), refresh()) });
  const newClass = useMutation({
    mutationFn: () => requestJson<NewClassResult>("/api/instructor/class", { body: { action: "new-class" } }),
    onSuccess: (result) => (setNotice(`New class started: ${result.archivedLearners} learners archived (saved to ${result.archive} in the data folder). New code ${result.classCode}.`), refresh()),
    onError: (error) => setNotice(error.message),
  });
  const act = useMutation({
    mutationFn: ({ id, action, displayName }: { id: string; action: string; displayName?: string }) =>
      requestJson<Partial<RejoinLink>>(`/api/instructor/learners/${id}`, { body: { action, ...(displayName ? { displayName } : {}) } }),
    onSuccess: (result, { action }) => {
      if (action === "rejoin-link" && result.url) {
        void navigator.clipboard?.writeText(result.url).catch(() => undefined);
        const until = result.expiresAt ? new Date(result.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
        setNotice(`Re-join link (copied; works once${until ? `, until ${until}` : ""}): ${result.url}`);
      } else setNotice(action === "reset" ? "The learner's workspace, kernel and code were reset." : action === "remove" ? "The learner was removed." : "Saved.");
      refresh();
    },
    onError: (error) => setNotice(error.message),
  });

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center gap-4">
        <h2 className="text-2xl font-semibold tracking-tight">Class management</h2>

      </div>
      <section aria-labelledby="code-title" className="rounded-lg border border-slate-300 p-4 dark:border-slate-700">
        <h2 id="code-title" className="font-semibold">
          Class code
        </h2>
        <p className="mt-2 font-mono text-3xl tracking-[0.2em] sm:text-4xl" data-testid="class-code">
          {overview.data?.classCode ?? "·····-·····"}
        </p>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">Learners open this site, enter the code (the dash and upper case are optional) and their name.</p>
        <div className="mt-3 flex gap-2">
          <button type="button" onClick={() => overview.data && navigator.clipboard?.writeText(overview.data.classCode)} className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            Copy
          </button>
          <button
            type="button"
            onClick={() => window.confirm("Rotate the class code? Learners who have not joined yet will need the new one.") && rotate.mutate()}
            className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Rotate
          </button>
          <button
            type="button"
            onClick={() =>
              window.confirm("Start a new class? The current learners are archived (their record is saved in the data folder and they are signed out), and the class code changes.") &&
              newClass.mutate()
            }
            className="rounded border border-red-300 px-3 py-1 text-sm text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
          >
            Start a new class
          </button>
        </div>
      </section>
      <p role="status" aria-live="polite" className="text-sm" data-testid="instructor-notice">
        {notice}
      </p>
      <section aria-labelledby="learners-title">
        <h2 id="learners-title" className="text-xl font-semibold">
          Learners ({overview.data?.learners.length ?? 0})
        </h2>
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th className="py-2">Name</th>
              <th>Last seen</th>
              <th>Lesson</th>
              <th>Passed</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {overview.data?.learners.map((learner) => (
              <tr key={learner.id} className="border-b border-slate-200 dark:border-slate-800" data-testid={`learner-${learner.id}`}>
                <td className="py-2 font-medium">{learner.displayName}</td>
                <td>{new Date(learner.lastSeenAt).toLocaleTimeString()}</td>
                <td>{learner.lastLesson ?? "—"}</td>
                <td>{learner.completed.length ? learner.completed.join(", ") : "—"}</td>
                <td className="space-x-1 whitespace-nowrap text-right">
                  <button type="button" className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => act.mutate({ id: learner.id, action: "rejoin-link" })}>
                    Re-join link
                  </button>
                  <button
                    type="button"
                    className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
                    onClick={() => {
                      const name = window.prompt("New display name", learner.displayName);
                      if (name) act.mutate({ id: learner.id, action: "rename", displayName: name });
                    }}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="rounded px-2 py-1 text-amber-800 hover:bg-amber-50 dark:text-amber-300 dark:hover:bg-amber-950"
                    onClick={() => window.confirm(`Reset ${learner.displayName}'s workspace? Their MLflow experiments, models, kernel and edited code are replaced by a clean start.`) && act.mutate({ id: learner.id, action: "reset" })}
                  >
                    Reset
                  </button>
                  <button
                    type="button"
                    className="rounded px-2 py-1 text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
                    onClick={() => window.confirm(`Remove ${learner.displayName} from the class?`) && act.mutate({ id: learner.id, action: "remove" })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
