"use client";

import dynamic from "next/dynamic";
import type { CodeEditorHandle } from "../editor/code-editor";
import { CellOutput } from "./cell-output";
import type { CellState } from "./use-cell-runs";

// Monaco touches `window` on import: client only.
const CodeEditor = dynamic(() => import("../editor/code-editor"), {
  ssr: false,
  loading: () => <div className="h-16 rounded bg-slate-100 motion-safe:animate-pulse dark:bg-slate-900" aria-hidden />,
});

type Props = {
  id: string;
  number: number;
  exercise?: string;
  /** The lesson says the cell may be skipped. */
  optional?: boolean;
  code: string;
  state: CellState;
  saveState: "saved" | "saving" | "unsaved" | "error";
  edited: boolean;
  onChange: (code: string) => void;
  onRun: () => void;
  onRunAndAdvance: () => void;
  onRunAbove: () => void;
  onReset: () => void;
  onEditorReady: (handle: CodeEditorHandle) => void;
};

export function CodeCell(props: Props) {
  const { id, number, exercise, state } = props;
  const busy = state.phase !== "idle";
  const label = exercise ? `Exercise cell ${number}` : `Cell ${number}${props.optional ? " (optional)" : ""}`;
  return (
    <section
      aria-label={label}
      data-testid={`cell-${id}`}
      data-phase={state.phase}
      className={`my-5 overflow-hidden rounded-lg border ${exercise ? "border-violet-300 dark:border-violet-800" : "border-slate-200 dark:border-slate-800"} bg-white dark:bg-slate-950`}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-slate-50 px-2 py-1 text-xs dark:border-slate-800 dark:bg-slate-900">
        <button
          type="button"
          // aria-disabled, not disabled: a disabled button would drop the keyboard's focus to the page.
          onClick={() => !busy && props.onRun()}
          aria-disabled={busy}
          aria-label={`Run ${label.toLowerCase()}`}
          className="rounded bg-sky-700 px-2 py-1 font-medium text-white hover:bg-sky-800 aria-disabled:opacity-60"
        >
          ▶ Run
        </button>
        <span className="font-mono text-slate-500 dark:text-slate-400" data-testid="execution-count" aria-label="Execution count">
          [{state.phase === "running" ? "*" : state.phase === "queued" ? "…" : (state.executionCount ?? " ")}]
        </span>
        {busy && (
          <span className="inline-flex items-center gap-1 text-sky-700 dark:text-sky-300" data-testid="cell-busy">
            <span className="h-2 w-2 rounded-full bg-sky-600 motion-safe:animate-pulse" aria-hidden />
            {state.phase === "queued" ? "Waiting for the kernel" : "Running"}
          </span>
        )}
        {exercise && <span className="rounded bg-violet-100 px-1.5 py-0.5 text-violet-900 dark:bg-violet-950 dark:text-violet-200">Exercise</span>}
        {props.optional && (
          <span className="rounded bg-slate-200 px-1.5 py-0.5 text-slate-700 dark:bg-slate-800 dark:text-slate-300" title="Nothing later in the course depends on this cell: run it or skip it">
            Optional
          </span>
        )}
        <span className="ml-auto flex items-center gap-2">
          <span className="text-slate-500 dark:text-slate-400" data-testid="save-state">
            {props.saveState === "saving" ? "Saving…" : props.saveState === "unsaved" ? "Editing" : props.saveState === "error" ? "Not saved" : props.edited ? "Saved" : ""}
          </span>
          {number > 1 && (
            <button type="button" onClick={props.onRunAbove} className="rounded px-1.5 py-1 text-slate-600 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800">
              Run all above
            </button>
          )}
          {props.edited && (
            <button type="button" onClick={props.onReset} className="rounded px-1.5 py-1 text-slate-600 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800">
              Reset code
            </button>
          )}
        </span>
      </div>
      {/* Outlined while focus is inside: Monaco's own input is hidden. */}
      <div data-editor-frame className="focus-within:outline-2 focus-within:-outline-offset-2 focus-within:outline-sky-600 dark:focus-within:outline-sky-400">
        <CodeEditor
          cellId={id}
          value={props.code}
          label={`${label}, Python. Ctrl+Enter runs it, Shift+Enter runs it and moves to the next cell. Escape then Tab leaves the editor.`}
          onChange={props.onChange}
          onRun={props.onRun}
          onRunAndAdvance={props.onRunAndAdvance}
          onReady={props.onEditorReady}
        />
      </div>
      <p className="border-t border-slate-100 px-3 py-0.5 text-xs text-slate-600 dark:border-slate-900 dark:text-slate-400" data-testid="editor-keys">
        <kbd>Ctrl+Enter</kbd> runs · <kbd>Shift+Enter</kbd> runs and moves on · <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the editor
      </p>
      {/* Not a live region: the lesson announces each run's final state once (run-announcement). */}
      <CellOutput events={state.outputs} />
    </section>
  );
}
