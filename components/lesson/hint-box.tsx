"use client";

import { useState, type ReactNode } from "react";

/** Tiered hints: a nudge first, then the API to use, then nearly the answer. */
export function HintBox({ exercise, levels }: { exercise: string; levels: ReactNode[] }) {
  const [shown, setShown] = useState(0);
  const names = ["A nudge", "The API to use", "Nearly the answer"];
  return (
    <div className="my-4 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/30" data-testid={`hints-${exercise}`}>
      <div aria-live="polite" className="space-y-3">
        {levels.slice(0, shown).map((hint, index) => (
          <div key={index}>
            <p className="font-semibold text-amber-900 dark:text-amber-200">
              Hint {index + 1}: {names[index] ?? "More"}
            </p>
            <div className="lesson-prose">{hint}</div>
          </div>
        ))}
      </div>
      {shown < levels.length ? (
        <button
          type="button"
          onClick={() => setShown(shown + 1)}
          className="mt-2 rounded border border-amber-400 px-2 py-1 font-medium text-amber-900 hover:bg-amber-100 dark:border-amber-700 dark:text-amber-200 dark:hover:bg-amber-900/40"
        >
          {shown === 0 ? "Show a hint" : "Show the next hint"} ({shown + 1} of {levels.length})
        </button>
      ) : (
        <p className="mt-2 text-amber-900 dark:text-amber-200">That is every hint for this exercise.</p>
      )}
    </div>
  );
}
