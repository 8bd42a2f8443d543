import type { CellEvent } from "@/contracts/cell-events";
import type { Store } from "../store/database";
import { readSavedCode, readSavedOutputs } from "../store/cells";
import type { LessonCatalog } from "./lesson-catalog";

type NotebookCell =
  | { cell_type: "markdown"; metadata: Record<string, unknown>; source: string }
  | { cell_type: "code"; metadata: Record<string, unknown>; source: string; execution_count: number | null; outputs: unknown[] };

/**
 * The lesson as a Jupyter notebook (nbformat 4): prose as Markdown cells, the
 * learner's code and last outputs as code cells. Hints and solutions are left out.
 */
export async function exportNotebook(course: { store: Store; lessons: LessonCatalog }, learnerId: string, slug: string): Promise<{ filename: string; notebook: unknown }> {
  const lesson = course.lessons.findOrThrow(slug);
  const [code, outputs] = await Promise.all([readSavedCode(course.store, learnerId, slug), readSavedOutputs(course.store, learnerId, slug)]);
  const cells: NotebookCell[] = [{ cell_type: "markdown", metadata: {}, source: `# ${lesson.frontMatter.title}` }];
  for (const segment of lesson.segments) {
    if (segment.kind === "markdown") cells.push({ cell_type: "markdown", metadata: {}, source: segment.markdown });
    if (segment.kind === "callout") {
      const heading = segment.title ? `**${segment.title}**\n\n` : "";
      cells.push({ cell_type: "markdown", metadata: {}, source: `> ${(heading + segment.markdown).split("\n").join("\n> ")}` });
    }
    if (segment.kind === "cell") {
      const saved = outputs[segment.cell.id];
      cells.push({
        cell_type: "code",
        metadata: { course_cell_id: segment.cell.id, ...(segment.cell.exercise ? { course_exercise: segment.cell.exercise } : {}) },
        source: code[segment.cell.id] ?? segment.cell.source,
        execution_count: saved?.executionCount ?? null,
        outputs: (saved?.outputs ?? []).flatMap((event) => toNbOutput(event as CellEvent, saved?.executionCount ?? null)),
      });
    }
  }
  return {
    filename: `${slug}.ipynb`,
    notebook: {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
        language_info: { name: "python" },
        course: { lesson: slug, title: lesson.frontMatter.title },
      },
      cells: cells.map((cell, index) => ({ id: `cell-${index}`, ...cell })),
    },
  };
}

function toNbOutput(event: CellEvent, executionCount: number | null): unknown[] {
  switch (event.type) {
    case "stream":
      return [{ output_type: "stream", name: event.name, text: event.text }];
    case "html":
      return [{ output_type: "display_data", metadata: {}, data: { "text/html": event.html } }];
    case "image":
      return [{ output_type: "display_data", metadata: {}, data: { [event.mime]: event.data, "text/plain": event.alt ?? "<image>" } }];
    case "text":
      return [{ output_type: "execute_result", execution_count: executionCount, metadata: {}, data: { "text/plain": event.text } }];
    case "error":
      return [{ output_type: "error", ename: event.ename, evalue: event.evalue, traceback: event.traceback }];
    case "notice":
      return [{ output_type: "stream", name: "stderr", text: `[course] ${event.text}\n` }];
    default:
      return [];
  }
}
