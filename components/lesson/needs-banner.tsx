"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { LessonNeeds } from "@/contracts/catch-up";
import { requestJson } from "../request-json";
import { CatchUpOffer, useCatchUp } from "./catch-up-offer";
import { CatchUpResultView } from "./catch-up-result";

/**
 * What this lesson builds on, checked on the learner's live MLflow state: shown only when
 * something is missing, with links to the exercises and Catch me up.
 */
export function NeedsBanner({ lesson }: { lesson: string }) {
  const queryClient = useQueryClient();
  const needs = useQuery({
    queryKey: ["lesson-needs", lesson],
    queryFn: () => requestJson<LessonNeeds>(`/api/lessons/${lesson}/needs`),
    staleTime: 30_000,
    retry: 1,
  });
  const catchUp = useCatchUp(`/api/lessons/${lesson}/catch-up`, () => void queryClient.invalidateQueries({ queryKey: ["lesson-needs", lesson] }));

  if (needs.isError) {
    return (
      <p role="status" className="mb-4 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200" data-testid="needs-error">
        Could not check what this lesson builds on: {needs.error.message}
      </p>
    );
  }
  const missing = needs.data?.needs.filter((need) => !need.met) ?? [];
  if (missing.length === 0 && !catchUp.data) return null;

  return (
    <section aria-labelledby="needs-title" className="mb-6 rounded-lg border border-amber-400 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950/30 dark:text-amber-100" data-testid="needs-banner">
      <h2 id="needs-title" className="font-semibold">
        {missing.length ? "This lesson builds on work your MLflow does not have yet" : "Caught up"}
      </h2>
      {missing.length > 0 && (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
          {missing.map((need) => (
            <li key={need.exercise} data-testid={`need-${need.exercise}`}>
              <a className="font-medium underline" href={`/lessons/${need.lesson.slug}#check-${need.exercise}-title`}>
                {need.title} (lesson {need.lesson.order}: {need.lesson.title})
              </a>
              : {need.problem}
            </li>
          ))}
        </ul>
      )}
      {missing.length > 0 && needs.data?.catchUp === "offered" && (
        <CatchUpOffer catchUp={catchUp}>Runs the reference solutions in your own workspace (this can take a minute or two). It counts as caught up, not as passed.</CatchUpOffer>
      )}
      {missing.length > 0 && needs.data?.catchUp === "never" && <p className="mt-2 text-sm">Your instructor has turned catch-up off for this class: finish those exercises first, or ask for help.</p>}
      <p role="status" className="mt-2 text-sm" data-testid="catch-up-status">
        {catchUp.isPending
          ? "Running the reference solutions in your workspace…"
          : catchUp.isError
            ? `Catch me up did not finish: ${catchUp.error.message}`
            : catchUp.data
              ? catchUp.data.problem
                ? "Catch me up did not finish."
                : `Caught up: ${catchUp.data.exercises.map((made) => made.title).join(", ") || "nothing was missing"}.`
              : ""}
      </p>
      {catchUp.data && <CatchUpResultView result={catchUp.data} />}
    </section>
  );
}
