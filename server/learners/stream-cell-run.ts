import type { RunCellRequest } from "@/contracts/cell-requests";
import { isOutputEvent, type CellEvent } from "@/contracts/cell-events";
import { withCourseMlflowLinks } from "../kernels/mlflow-links";
import type { LessonCatalog } from "../lessons/lesson-catalog";
import { recordCellRun, saveCode, saveOutputs } from "../store/cells";
import { noteExerciseStarts } from "../store/exercise-starts";
import type { Store } from "../store/database";
import type { LearnerRuntime } from "./learner-runtime";

/**
 * Runs one lesson cell for a learner and returns its output as NDJSON. The
 * code is saved first (running is an edit too); the outputs and the run are
 * recorded right after the answer ends (the learner does not wait for those
 * writes), even if the browser went away meanwhile.
 */
export async function streamCellRun(course: { store: Store; lessons: LessonCatalog }, learner: LearnerRuntime, request: RunCellRequest): Promise<ReadableStream<Uint8Array>> {
  const { lesson } = course.lessons.findCellOrThrow(request.lesson, request.cellId);
  // A lesson with the Serve panel calls the learner's own server: its kernel learns where that is
  // now (any instance may have started or stopped it since), before the cell runs.
  if (lesson.segments.some((segment) => segment.kind === "widget" && segment.name === "serve-panel")) await learner.announceModelServer();
  const db = course.store;
  await saveCode(db, learner.id, request.lesson, request.cellId, request.code);

  const encoder = new TextEncoder();
  const startedAt = new Date();
  const events = learner.kernel.run(request.code);
  const kept: CellEvent[] = [];
  let browserGone = false;

  const finish = async (done: Extract<CellEvent, { type: "done" }> | undefined) => {
    await saveOutputs(db, learner.id, request.lesson, request.cellId, {
      outputs: kept,
      executionCount: done?.executionCount ?? null,
      status: done?.status ?? "error",
    });
    await recordCellRun(db, {
      learnerId: learner.id,
      lessonSlug: request.lesson,
      cellId: request.cellId,
      status: done?.status ?? "error",
      durationMs: done?.durationMs ?? Date.now() - startedAt.getTime(),
      startedAt,
    });
    // A cell run starts the lesson's exercises' clocks too (cells run without the page: an API client).
    if (!learner.startedLessons.has(request.lesson)) {
      await noteExerciseStarts(db, learner.id, lesson.frontMatter.exercises, startedAt);
      learner.startedLessons.add(request.lesson);
    }
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let done: Extract<CellEvent, { type: "done" }> | undefined;
      for await (const raw of events) {
        const event = withCourseMlflowLinks(raw);
        if (event.type === "clear") kept.length = 0;
        else if (isOutputEvent(event)) kept.push(event);
        if (event.type === "done") done = event;
        if (!browserGone) {
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
          } catch {
            browserGone = true;
          }
        }
      }
      if (!browserGone) controller.close();
      await finish(done).catch((error) => console.error("Could not record a cell run:", error));
    },
    cancel() {
      browserGone = true;
    },
  });
}
