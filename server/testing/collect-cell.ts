import type { CellEvent } from "@/contracts/cell-events";
import type { KernelPool } from "../kernels/kernel-pool";
import { DEFAULT_LIMITS, runCell, type RunLimits } from "../kernels/run-cell";

/** Runs one cell on a learner's kernel through `runCell` and gathers what it sent. */
export async function collectCell(pool: KernelPool, learner: string, code: string, limits: Partial<RunLimits> = {}) {
  const events: CellEvent[] = [];
  for await (const event of runCell(pool, learner, code, { ...DEFAULT_LIMITS, ...limits })) events.push(event);
  const done = events.find((event): event is Extract<CellEvent, { type: "done" }> => event.type === "done");
  const text = events
    .filter((event): event is Extract<CellEvent, { type: "stream" }> => event.type === "stream")
    .map((event) => event.text)
    .join("");
  const notices = events.filter((event): event is Extract<CellEvent, { type: "notice" }> => event.type === "notice").map((event) => event.text);
  const errors = events.filter((event): event is Extract<CellEvent, { type: "error" }> => event.type === "error").map((event) => `${event.ename}: ${event.evalue}`);
  return { events, done, text, notices, errors };
}
