import type { CellEvent } from "@/contracts/cell-events";
import type { RunLimits } from "../kernels/execute-cell";
import type { LearnerKernel } from "../kernels/learner-kernel";

/** Runs one cell on a learner's kernel and gathers what it sent (`limits`: this run's, over the course's). */
export async function collectCell(kernel: LearnerKernel, code: string, limits: Partial<RunLimits> = {}) {
  const events: CellEvent[] = [];
  for await (const event of kernel.run(code, { ...kernel.limits, ...limits })) events.push(event);
  const done = events.find((event): event is Extract<CellEvent, { type: "done" }> => event.type === "done");
  const text = events
    .filter((event): event is Extract<CellEvent, { type: "stream" }> => event.type === "stream")
    .map((event) => event.text)
    .join("");
  const notices = events.filter((event): event is Extract<CellEvent, { type: "notice" }> => event.type === "notice").map((event) => event.text);
  const errors = events.filter((event): event is Extract<CellEvent, { type: "error" }> => event.type === "error").map((event) => `${event.ename}: ${event.evalue}`);
  return { events, done, text, notices, errors };
}
