"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { KernelAction, KernelState } from "@/contracts/cell-requests";
import type { CodeEditorHandle } from "../editor/code-editor";
import { requestJson } from "../request-json";
import { CodeCell } from "./code-cell";
import { useCellRuns, type InitialCell } from "./use-cell-runs";

export type LessonBlock =
  | { kind: "node"; key: string; node: ReactNode }
  | { kind: "cell"; key: string; id: string; number: number; exercise?: string; optional?: boolean; starter: string; code: string };

type Props = { lesson: string; blocks: LessonBlock[]; initialCells: InitialCell[] };

export function LessonView({ lesson, blocks, initialCells }: Props) {
  const cellBlocks = blocks.filter((block): block is Extract<LessonBlock, { kind: "cell" }> => block.kind === "cell");
  const { cells, run, announcement, setAnnouncement } = useCellRuns(lesson, initialCells);
  const code = useRef<Record<string, string>>(Object.fromEntries(cellBlocks.map((cell) => [cell.id, cell.code])));
  const editors = useRef<Record<string, CodeEditorHandle>>({});
  const saveTimers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  const [saveState, setSaveState] = useState<Record<string, "saved" | "saving" | "unsaved" | "error">>({});
  const [edited, setEdited] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(cellBlocks.map((cell) => [cell.id, cell.code !== cell.starter])),
  );

  const kernel = useMutation({
    mutationFn: (action: KernelAction) => requestJson<KernelState>("/api/kernel", { body: { action } }),
    onSuccess: (_, action) => {
      if (action === "restart") setAnnouncement("The kernel was restarted: run the cells again to rebuild its state.");
      if (action === "interrupt") setAnnouncement("Interrupt sent to the kernel.");
    },
  });
  const warm = kernel.mutate;
  useEffect(() => {
    // Start the learner's kernel while they read, so the first run is quick.
    warm("warm");
  }, [warm]);

  const save = useMutation({
    mutationFn: (input: { cellId: string; code: string }) => requestJson("/api/cells/code", { method: "PUT", body: { lesson, ...input } }),
    onMutate: ({ cellId }) => setSaveState((all) => ({ ...all, [cellId]: "saving" })),
    onSuccess: (_, { cellId }) => setSaveState((all) => ({ ...all, [cellId]: "saved" })),
    onError: (_, { cellId }) => setSaveState((all) => ({ ...all, [cellId]: "error" })),
  });
  const reset = useMutation({
    mutationFn: (cellId: string) => requestJson<{ code: string }>("/api/cells/code", { method: "DELETE", body: { lesson, cellId } }),
    onSuccess: ({ code: starter }, cellId) => {
      clearTimeout(saveTimers.current[cellId]);
      delete saveTimers.current[cellId];
      editors.current[cellId]?.setValue(starter);
      code.current[cellId] = starter;
      setEdited((all) => ({ ...all, [cellId]: false }));
      setSaveState((all) => ({ ...all, [cellId]: "saved" }));
      setAnnouncement("The cell's code was reset to the starter code.");
    },
  });

  useEffect(() => {
    // Leaving the page must not lose an edit still waiting for its debounce.
    const flush = () => {
      for (const [cellId, timer] of Object.entries(saveTimers.current)) {
        if (!timer) continue;
        clearTimeout(timer);
        delete saveTimers.current[cellId];
        void fetch("/api/cells/code", {
          method: "PUT",
          keepalive: true,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ lesson, cellId, code: code.current[cellId] ?? "" }),
        });
      }
    };
    window.addEventListener("pagehide", flush);
    return () => window.removeEventListener("pagehide", flush);
  }, [lesson]);

  const onChange = useCallback(
    (cellId: string, next: string) => {
      code.current[cellId] = next;
      const starter = cellBlocks.find((cell) => cell.id === cellId)?.starter;
      setEdited((all) => (all[cellId] === (next !== starter) ? all : { ...all, [cellId]: next !== starter }));
      setSaveState((all) => ({ ...all, [cellId]: "unsaved" }));
      clearTimeout(saveTimers.current[cellId]);
      saveTimers.current[cellId] = setTimeout(() => {
        delete saveTimers.current[cellId];
        save.mutate({ cellId, code: next });
      }, 600);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [save.mutate],
  );

  const runCell = useCallback(
    (cellId: string) => {
      // Running saves the code on the server too.
      clearTimeout(saveTimers.current[cellId]);
      delete saveTimers.current[cellId];
      setSaveState((all) => ({ ...all, [cellId]: "saved" }));
      const block = cellBlocks.find((cell) => cell.id === cellId);
      // Named as the cell names itself (CodeCell's label), for the run's announcement.
      return run(cellId, code.current[cellId] ?? "", `${block?.exercise ? "Exercise cell" : "Cell"} ${block?.number ?? 0}`);
    },
    [cellBlocks, run],
  );

  const runAndAdvance = useCallback(
    (cellId: string) => {
      void runCell(cellId);
      const index = cellBlocks.findIndex((cell) => cell.id === cellId);
      const next = cellBlocks[index + 1];
      if (next) editors.current[next.id]?.focus();
    },
    [cellBlocks, runCell],
  );

  const runRange = useCallback(
    async (ids: string[]) => {
      for (const id of ids) {
        const status = await runCell(id);
        if (status !== "ok") {
          setAnnouncement("Stopped running cells: one of them did not finish cleanly.");
          return;
        }
      }
    },
    [runCell, setAnnouncement],
  );

  const anyBusy = Object.values(cells).some((cell) => cell.phase !== "idle");
  const kernelLabel = kernel.isPending ? (kernel.variables === "warm" ? "Starting kernel…" : "Working…") : kernel.isError ? "Kernel unavailable" : anyBusy ? "Kernel busy" : "Kernel ready";

  return (
    <div>
      <div className="z-10 -mx-2 mb-4 md:sticky md:top-0 flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white/95 px-2 py-2 text-sm backdrop-blur dark:border-slate-800 dark:bg-slate-950/95" role="toolbar" aria-label="Notebook">
        <button type="button" onClick={() => runRange(cellBlocks.map((cell) => cell.id))} className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800">
          Run all cells
        </button>
        <button type="button" onClick={() => kernel.mutate("interrupt")} disabled={!anyBusy} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800">
          Interrupt
        </button>
        <button type="button" onClick={() => kernel.mutate("restart")} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Restart kernel
        </button>
        <a href={`/api/lessons/${lesson}/notebook`} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" download>
          Download .ipynb
        </a>
        <span className="ml-auto inline-flex items-center gap-2 text-slate-600 dark:text-slate-300" data-testid="kernel-state">
          <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${kernel.isError ? "bg-red-500" : anyBusy || kernel.isPending ? "bg-amber-500 motion-safe:animate-pulse" : "bg-emerald-500"}`} />
          {kernelLabel}
        </span>
      </div>
      {kernel.isError && (
        <p role="alert" className="mb-4 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200">
          {kernel.error.message}
        </p>
      )}
      <p className="sr-only" aria-live="polite" data-testid="run-announcement">
        {announcement}
      </p>
      {blocks.map((block) =>
        block.kind === "node" ? (
          <div key={block.key}>{block.node}</div>
        ) : (
          <CodeCell
            key={block.key}
            id={block.id}
            number={block.number}
            exercise={block.exercise}
            optional={block.optional}
            code={block.code}
            state={cells[block.id] ?? { outputs: [], executionCount: null, phase: "idle" }}
            saveState={saveState[block.id] ?? "saved"}
            edited={Boolean(edited[block.id])}
            onChange={(next) => onChange(block.id, next)}
            onRun={() => void runCell(block.id)}
            onRunAndAdvance={() => runAndAdvance(block.id)}
            onRunAbove={() => runRange(cellBlocks.filter((cell) => cell.number < block.number).map((cell) => cell.id))}
            onReset={() => reset.mutate(block.id)}
            onEditorReady={(handle) => (editors.current[block.id] = handle)}
          />
        ),
      )}
    </div>
  );
}
