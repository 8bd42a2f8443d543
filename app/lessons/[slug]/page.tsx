import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ClassBulletin } from "@/components/classroom/class-bulletin";
import { Callout } from "@/components/lesson/callout";
import { CheckPanel } from "@/components/lesson/check-panel";
import { EXERCISES, isExerciseId } from "@/grader/grade";
import { HintBox } from "@/components/lesson/hint-box";
import { LessonView, type LessonBlock } from "@/components/lesson/lesson-view";
import { NeedsBanner } from "@/components/lesson/needs-banner";
import { Markdown } from "@/components/lesson/markdown";
import { RequestPlayground } from "@/components/serving/request-playground";
import { ServePanel } from "@/components/serving/serve-panel";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { requireLearnerPage } from "../../page-viewer";
import { openLessonPage } from "@/server/pages/lesson-page";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const lesson = courseRuntime().lessons.find((await params).slug);
  return { title: lesson ? `${lesson.frontMatter.title} · MLflow Training` : "Lesson not found · MLflow Training" };
}

export default async function LessonPage({ params }: Params) {
  const { slug } = await params;
  const course = courseRuntime();
  if (!course.lessons.find(slug)) notFound();
  const learner = await requireLearnerPage();
  course.learner(learner.id).kernel.warmSoon();
  const page = await openLessonPage(course, learner.id, slug);
  if (!page) notFound();
  const { lesson, lessons, position, savedCode, initialCells, completed, catchUpOffered, caughtUp } = page;

  const hintsByExercise = new Map<string, string[]>();
  for (const segment of lesson.segments) {
    if (segment.kind === "hint") hintsByExercise.set(segment.exercise, [...(hintsByExercise.get(segment.exercise) ?? []), segment.markdown]);
  }
  const placedHints = new Set<string>();
  const blocks: LessonBlock[] = [];
  lesson.segments.forEach((segment, index) => {
    const key = `segment-${index}`;
    if (segment.kind === "markdown") {
      // The page already shows the title as its heading.
      const markdown = index === 0 ? segment.markdown.replace(/^#\s+.*\n*/, "") : segment.markdown;
      if (markdown.trim()) blocks.push({ kind: "node", key, node: <Markdown>{markdown}</Markdown> });
    }
    if (segment.kind === "callout") {
      blocks.push({ kind: "node", key, node: <Callout variant={segment.variant} title={segment.title}><Markdown>{segment.markdown}</Markdown></Callout> });
    }
    if (segment.kind === "hint" && !placedHints.has(segment.exercise)) {
      placedHints.add(segment.exercise);
      const levels = (hintsByExercise.get(segment.exercise) ?? []).map((markdown, level) => <Markdown key={level}>{markdown}</Markdown>);
      blocks.push({ kind: "node", key, node: <HintBox exercise={segment.exercise} levels={levels} /> });
    }
    if (segment.kind === "widget") {
      blocks.push({ kind: "node", key, node: segment.name === "serve-panel" ? <ServePanel /> : <RequestPlayground /> });
    }
    if (segment.kind === "cell") {
      const { cell } = segment;
      blocks.push({ kind: "cell", key, id: cell.id, number: cell.index + 1, exercise: cell.exercise, optional: cell.optional, starter: cell.source, code: savedCode[cell.id] ?? cell.source });
    }
  });
  // Each exercise's Check panel follows its last exercise cell, or ends the lesson when it has none.
  const gradable = lesson.frontMatter.exercises.filter(isExerciseId);
  const checkPanel = (exercise: (typeof gradable)[number], index: number): LessonBlock => ({
    kind: "node",
    key: `check-${exercise}`,
    node: (
      <CheckPanel
        exercise={exercise}
        title={EXERCISES[exercise].title}
        passedBefore={completed.has(exercise)}
        shortcut={index === 0}
        catchUpOffered={catchUpOffered[exercise] ?? false}
        caughtUp={caughtUp[exercise] ?? null}
        usesSpark={EXERCISES[exercise].runsSpark}
      />
    ),
  });
  gradable.forEach((exercise, index) => {
    const lastCell = blocks.findLastIndex((block) => block.kind === "cell" && block.exercise === exercise);
    if (lastCell >= 0) blocks.splice(lastCell + 1, 0, checkPanel(exercise, index));
    else blocks.push(checkPanel(exercise, index));
  });
  const previous = lessons[position - 1]?.frontMatter;
  const next = lessons[position + 1]?.frontMatter;

  return (
    <div className="grid gap-8 lg:grid-cols-[15rem_1fr]">
      <nav aria-label="Course outline" className="text-sm lg:sticky lg:top-4 lg:self-start">
        <Link href="/" className="text-slate-500 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white">
          ← Course home
        </Link>
        {course.config.mode === "classroom" && (
          <div className="mt-3">
            <ClassBulletin currentLesson={slug} />
          </div>
        )}
        <ol className="mt-3 space-y-1">
          {lessons.map(({ frontMatter }, index) => (
            <li key={frontMatter.slug}>
              <Link
                href={`/lessons/${frontMatter.slug}`}
                aria-current={frontMatter.slug === slug ? "page" : undefined}
                className={`flex justify-between gap-2 rounded px-2 py-1 ${frontMatter.slug === slug ? "bg-sky-100 font-medium text-sky-900 dark:bg-sky-950 dark:text-sky-100" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`}
              >
                <span>
                  {index + 1}. {frontMatter.title}
                  {frontMatter.exercises.length > 0 && frontMatter.exercises.every((exercise) => completed.has(exercise)) && (
                    <span role="img" className="ml-1 text-emerald-700 dark:text-emerald-400" aria-label="exercise passed">
                      ✓
                    </span>
                  )}
                </span>
                <span className="shrink-0 text-slate-600 dark:text-slate-400">{frontMatter.minutes}′</span>
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <article className="min-w-0" data-testid="lesson">
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Lesson {position + 1} of {lessons.length} · about {lesson.frontMatter.minutes} minutes
        </p>
        <h1 className="mb-4 mt-1 text-3xl font-bold tracking-tight">{lesson.frontMatter.title}</h1>
        {lesson.frontMatter.needs.length > 0 && <NeedsBanner lesson={slug} />}
        <LessonView lesson={slug} blocks={blocks} initialCells={initialCells} />
        <nav aria-label="Lesson navigation" className="mt-10 flex justify-between gap-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          {previous ? (
            <Link href={`/lessons/${previous.slug}`} rel="prev" className="text-sky-700 hover:underline dark:text-sky-400">
              ← {previous.title}
            </Link>
          ) : (
            <span />
          )}
          {next && (
            <Link href={`/lessons/${next.slug}`} rel="next" className="text-sky-700 hover:underline dark:text-sky-400">
              {next.title} →
            </Link>
          )}
        </nav>
      </article>
    </div>
  );
}
