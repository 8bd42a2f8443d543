import { ClassBulletin } from "@/components/classroom/class-bulletin";
import { CourseOutline } from "@/components/course-outline";
import { StatusPanel } from "@/components/status-panel";
import { healthWithin } from "@/server/health/get-health";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { completedExercises } from "@/server/store/attempts";
import { lastLesson } from "@/server/store/learners";
import { requireLearnerPage } from "./page-viewer";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const course = courseRuntime();
  const { config, store: db } = course;
  const learner = await requireLearnerPage();
  course.learner(learner.id).kernel.warmSoon();
  // The status panel's first state is in the first paint; a probe slower than that is left to the page's own poll.
  const [resumeSlug, completed, health] = await Promise.all([lastLesson(db, learner.id), completedExercises(db, learner.id), healthWithin(course, 1500)]);
  const outline = course.lessons.outline().map(({ slug, title, order, minutes, summary, exercises }) => ({
    slug,
    title,
    order,
    minutes,
    summary,
    exercises,
    passed: exercises.length > 0 && exercises.every((exercise) => completed.has(exercise)),
  }));
  const resume = outline.find((lesson) => lesson.slug === resumeSlug);
  return (
    <div className="grid gap-10 lg:grid-cols-[1fr_20rem]">
      <section aria-labelledby="outline-heading">
        {config.mode === "classroom" && (
          <div className="mb-6">
            <ClassBulletin currentLesson={null} />
          </div>
        )}
        <h1 className="text-3xl font-bold tracking-tight">Learn MLflow by doing it</h1>
        <p className="mt-3 max-w-2xl text-slate-600 dark:text-slate-300">
          Track experiments, register and stage models, serve them over HTTP and score with them in Spark, against a
          real MLflow server running beside this course.
        </p>
        {resume ? (
          <a href={`/lessons/${resume.slug}`} className="mt-6 inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800" data-testid="resume">
            Continue where you left off: {resume.title}
          </a>
        ) : outline[0] ? (
          <a href={`/lessons/${outline[0].slug}`} className="mt-6 inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800">
            Start the course
          </a>
        ) : null}
        <h2 id="outline-heading" className="mt-10 text-xl font-semibold">
          Course outline
        </h2>
        <CourseOutline lessons={outline} />
      </section>
      <aside aria-label="Course services">
        <StatusPanel initialHealth={health} />
      </aside>
    </div>
  );
}
