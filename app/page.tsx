import { CourseOutline } from "@/components/course-outline";
import { StatusPanel } from "@/components/status-panel";
import { getConfig } from "@/server/config/runtime-config";
import { loadOutline } from "@/server/lessons/lesson-catalog";

export const dynamic = "force-dynamic";

export default function HomePage() {
  const outline = loadOutline(getConfig().projectRoot).map(({ slug, title, order, minutes, summary, exercises }) => ({
    slug,
    title,
    order,
    minutes,
    summary,
    exercises,
  }));
  return (
    <div className="grid gap-10 lg:grid-cols-[1fr_20rem]">
      <section aria-labelledby="outline-heading">
        <h1 className="text-3xl font-bold tracking-tight">Learn MLflow by doing it</h1>
        <p className="mt-3 max-w-2xl text-slate-600 dark:text-slate-300">
          Track experiments, register and stage models, serve them over HTTP and score with them in Spark, against a
          real MLflow server running beside this course.
        </p>
        <h2 id="outline-heading" className="mt-10 text-xl font-semibold">
          Course outline
        </h2>
        <CourseOutline lessons={outline} />
      </section>
      <aside aria-label="Course services">
        <StatusPanel />
      </aside>
    </div>
  );
}
