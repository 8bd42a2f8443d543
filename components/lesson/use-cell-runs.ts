"use client";

import { useCallback, useRef, useState } from "react";
import type { CellEvent, CellRunStatus } from "@/contracts/cell-events";

export type CellState = {
  outputs: CellEvent[];
  executionCount: number | null;
  phase: "idle" | "queued" | "running";
  lastStatus?: CellRunStatus;
};

export type InitialCell = { id: string; outputs: CellEvent[]; executionCount: number | null; status?: string };

/** Applies one streamed event to a cell, Jupyter-style (clear with wait clears at the next output). */
function apply(state: CellState & { pendingClear?: boolean }, event: CellEvent) {
  switch (event.type) {
    case "status":
      return { ...state, phase: event.state === "queued" ? ("queued" as const) : ("running" as const) };
    case "clear":
      return event.wait ? { ...state, pendingClear: true } : { ...state, outputs: [], pendingClear: false };
    case "done":
      return { ...state, phase: "idle" as const, executionCount: event.executionCount, lastStatus: event.status, pendingClear: false };
    default: {
      const outputs = state.pendingClear ? [event] : [...state.outputs, event];
      return { ...state, outputs, pendingClear: false };
    }
  }
}

/**
 * Runs cells through POST /api/cells/run and reads the NDJSON stream as it
 * arrives. Streaming is not a React Query job: it is a live feed, not a cached read.
 */
export function useCellRuns(lesson: string, initial: InitialCell[]) {
  const [cells, setCells] = useState<Record<string, CellState>>(() =>
    Object.fromEntries(
      initial.map((cell) => [cell.id, { outputs: cell.outputs, executionCount: cell.executionCount, phase: "idle", lastStatus: cell.status as CellRunStatus | undefined }]),
    ),
  );
  const [announcement, setAnnouncement] = useState("");
  const chain = useRef<Promise<unknown>>(Promise.resolve());

  const update = useCallback((cellId: string, event: CellEvent) => {
    setCells((all) => ({ ...all, [cellId]: apply(all[cellId] ?? { outputs: [], executionCount: null, phase: "idle" }, event) }));
  }, []);

  const runNow = useCallback(
    async (cellId: string, code: string, label: string): Promise<CellRunStatus> => {
      setCells((all) => ({ ...all, [cellId]: { ...(all[cellId] ?? { executionCount: null }), outputs: [], phase: "queued" } as CellState }));
      // Emptied first, so the same final state read twice in a row is still announced.
      setAnnouncement("");
      let status: CellRunStatus = "error";
      let failure = "";
      try {
        const response = await fetch("/api/cells/run", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ lesson, cellId, code }),
        });
        if (!response.ok || !response.body) {
          const problem = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
          const text = problem?.error?.message ?? `The course server answered ${response.status}.`;
          update(cellId, { type: "notice", level: "error", text });
          update(cellId, { type: "done", status: "error", executionCount: null, durationMs: 0 });
          setAnnouncement(`${label}: could not run. ${text}`);
          return "error";
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const lines = buffer.split("\n");
          buffer = lines.pop() ?? "";
          for (const line of lines) {
            if (!line.trim()) continue;
            const event = JSON.parse(line) as CellEvent;
            if (event.type === "done") status = event.status;
            if (event.type === "error") failure = `: ${event.ename}: ${event.evalue}`.replace(/[.\s]+$/, "");
            update(cellId, event);
          }
        }
      } catch {
        update(cellId, { type: "notice", level: "error", text: "The connection to the course server was lost while this cell ran." });
        update(cellId, { type: "done", status: "error", executionCount: null, durationMs: 0 });
      }
      setAnnouncement(
        status === "ok" ? `${label} finished.` : status === "error" ? `${label} raised an error${failure}.` : status === "timeout" ? `${label} was stopped: it ran too long.` : `${label}: the kernel stopped.`,
      );
      return status;
    },
    [lesson, update],
  );

  /** Queues a run behind the ones already asked for, like a notebook does. */
  const run = useCallback(
    (cellId: string, code: string, label: string) => {
      setCells((all) => ({ ...all, [cellId]: { ...(all[cellId] ?? { outputs: [], executionCount: null }), phase: "queued" } as CellState }));
      const next = chain.current.then(() => runNow(cellId, code, label));
      chain.current = next.catch(() => undefined);
      return next;
    },
    [runNow],
  );

  return { cells, run, announcement, setAnnouncement };
}
