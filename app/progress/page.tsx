import { aggregateDashboard, courseExercises } from "@/server/dashboard/class-dashboard";
import { loadClassData } from "@/server/store/class-data";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { formatDuration, timeToPassMeaning } from "@/components/dashboard/format";
import { requireLearnerPage } from "../page-viewer";

export const dynamic = "force-dynamic";
export const metadata = { title: "My progress · MLflow Training" };

const LABEL: Record<string, string> = { "not-started": "Not started", "in-progress": "In progress", passed: "Passed", stuck: "Needs a look", "caught-up": "Caught up (not passed)" };

/** The learner's own progress (the class dashboard is the instructor's). */
export default async function ProgressPage() {
  const learner = await requireLearnerPage();
  const course = courseRuntime();
  const data = await loadClassData(course.store, { mode: course.config.mode });
  const mine = { ...data, learners: data.learners.filter((row) => row.id === learner.id) };
  const dashboard = aggregateDashboard(mine, courseExercises(), new Date());
  const row = dashboard.matrix[0];
  return (
    <div className="max-w-3xl">
      <h1 className="text-3xl font-bold tracking-tight">My progress</h1>
      <table className="mt-6 w-full text-left text-sm" data-testid="my-progress" aria-describedby="time-to-pass-meaning">
        <thead>
          <tr className="border-b border-slate-300 dark:border-slate-700">
            <th scope="col" className="py-2">Exercise</th>
            <th scope="col">State</th>
            <th scope="col">Checks</th>
            <th scope="col">Time to pass</th>
          </tr>
        </thead>
        <tbody>
          {dashboard.exercises.map((exercise) => {
            const cell = row?.cells[exercise.id];
            return (
              <tr key={exercise.id} className="border-b border-slate-200 dark:border-slate-800">
                <td className="py-2 font-medium">{exercise.title}</td>
                <td>{LABEL[cell?.state ?? "not-started"]}</td>
                <td>{cell?.attempts ?? 0}</td>
                <td>{cell?.state === "passed" ? formatDuration(cell.timeToPassMs) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p id="time-to-pass-meaning" className="mt-2 text-xs text-slate-500 dark:text-slate-400">
        {timeToPassMeaning("learner")}
      </p>
      {row && Object.values(row.cells).some((cell) => cell.failingCheck && cell.state !== "passed") && (
        <section className="mt-8">
          <h2 className="text-xl font-semibold">Where you left off</h2>
          <ul className="mt-2 space-y-2 text-sm">
            {dashboard.exercises.map((exercise) => {
              const cell = row.cells[exercise.id];
              if (!cell?.failingCheck || cell.state === "passed") return null;
              return (
                <li key={exercise.id}>
                  <span className="font-medium">{exercise.title}</span>: {cell.failingCheck.title}. {cell.failingCheck.message}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
