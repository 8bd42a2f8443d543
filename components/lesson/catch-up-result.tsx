import type { CatchUpResult, CaughtUpExercise } from "@/contracts/catch-up";

/** What a catch-up did: per exercise, the reference code that ran beside the learner's own. */
export function CatchUpResultView({ result }: { result: CatchUpResult }) {
  return (
    <div className="mt-3 space-y-4" data-testid="catch-up-result">
      {result.problem && <p className="rounded bg-amber-50 p-2 text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">{result.problem}</p>}
      {result.exercises.length === 0 && !result.problem && <p>Everything it needs was already in your MLflow: nothing to do.</p>}
      {result.exercises.map((made) => (
        <CaughtUpExerciseView key={made.exercise} made={made} />
      ))}
      {result.output && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium">What the reference cells printed</summary>
          <pre tabIndex={0} className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900">
            {result.output}
          </pre>
        </details>
      )}
    </div>
  );
}

function CaughtUpExerciseView({ made }: { made: CaughtUpExercise }) {
  return (
    <section aria-label={`Caught up: ${made.title}`} data-testid={`caught-up-${made.exercise}`} data-status={made.status}>
      <h3 className="font-semibold">
        {made.title} ({made.lesson.title}): {made.status === "caught-up" ? "caught up" : "still not passing"}
      </h3>
      {made.action && <p className="text-sm">{made.action}</p>}
      <SolutionsBeside solutions={made.solutions} />
    </section>
  );
}

/** The reference solution that ran, beside what the learner wrote in the same cell. */
export function SolutionsBeside({ solutions }: { solutions: CaughtUpExercise["solutions"] }) {
  return (
    <>
      {solutions.map((solution) => (
        <div key={solution.cellId} className="mt-2 grid gap-2 md:grid-cols-2">
          <figure className="min-w-0">
            <figcaption className="text-sm font-medium">Reference solution that ran (cell {solution.cellId})</figcaption>
            <pre tabIndex={0} className="mt-1 max-h-96 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900" data-testid="solution-code">
              {solution.code}
            </pre>
          </figure>
          <figure className="min-w-0">
            <figcaption className="text-sm font-medium">Your code in that cell</figcaption>
            <pre tabIndex={0} className="mt-1 max-h-96 overflow-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900" data-testid="your-code">
              {solution.yours ?? "(you have not changed the starter code)"}
            </pre>
          </figure>
        </div>
      ))}
    </>
  );
}
