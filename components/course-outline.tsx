export type OutlineLesson = {
  slug: string;
  title: string;
  order: number;
  minutes: number;
  summary: string;
  exercises: string[];
  passed?: boolean;
};

export function CourseOutline({ lessons }: { lessons: OutlineLesson[] }) {
  if (lessons.length === 0) {
    return <p className="mt-4 text-slate-600 dark:text-slate-300">No lessons are installed yet.</p>;
  }
  const total = lessons.reduce((sum, lesson) => sum + lesson.minutes, 0);
  return (
    <>
      <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
        {lessons.length} lessons, about {total} minutes in all.
      </p>
      <ol className="mt-4 space-y-3" aria-label="Lessons">
        {lessons.map((lesson, index) => (
          <li key={lesson.slug}>
            <a
              href={`/lessons/${lesson.slug}`}
              className="block rounded-lg border border-slate-200 p-4 transition hover:border-sky-500 hover:bg-sky-50 dark:border-slate-800 dark:hover:border-sky-400 dark:hover:bg-slate-900"
            >
              <div className="flex items-baseline justify-between gap-4">
                <span className="font-medium">
                  <span className="mr-2 text-slate-500 dark:text-slate-400">{index + 1}.</span>
                  {lesson.title}
                  {lesson.passed && (
                    <span role="img" className="ml-2 text-emerald-700 dark:text-emerald-400" aria-label="exercise passed">
                      ✓
                    </span>
                  )}
                </span>
                <span className="shrink-0 text-sm text-slate-500 dark:text-slate-400">{lesson.minutes} min</span>
              </div>
              {lesson.summary && <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{lesson.summary}</p>}
            </a>
          </li>
        ))}
      </ol>
    </>
  );
}
