"use client";

import { useEffect, useRef } from "react";
import { requestJson } from "../request-json";
import { monaco, setCompletionSource } from "./monaco";

setCompletionSource((code, cursorPos) =>
  requestJson<{ matches: string[]; cursorStart: number; cursorEnd: number }>("/api/kernel/complete", { body: { code, cursorPos } }),
);

export type CodeEditorHandle = { focus(): void; setValue(code: string): void; getValue(): string };

type Props = {
  cellId: string;
  value: string;
  label: string;
  onChange: (code: string) => void;
  onRun: () => void;
  onRunAndAdvance: () => void;
  onReady?: (handle: CodeEditorHandle) => void;
};

type EditorRegistry = Record<string, monaco.editor.IStandaloneCodeEditor>;

const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

/** One Monaco editor sized to its content, with the notebook's run shortcuts. */
export default function CodeEditor({ cellId, value, label, onChange, onRun, onRunAndAdvance, onReady }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onChange, onRun, onRunAndAdvance });
  handlers.current = { onChange, onRun, onRunAndAdvance };

  useEffect(() => {
    if (!host.current) return;
    const media = darkQuery();
    const editor = monaco.editor.create(host.current, {
      value,
      language: "python",
      theme: media.matches ? "vs-dark" : "vs",
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fontSize: 14,
      lineNumbersMinChars: 3,
      tabSize: 4,
      insertSpaces: true,
      renderLineHighlight: "none",
      overviewRulerLanes: 0,
      scrollbar: { alwaysConsumeMouseWheel: false, vertical: "hidden" },
      ariaLabel: label,
      fixedOverflowWidgets: true,
    });
    const resize = () => {
      const height = Math.min(Math.max(editor.getContentHeight(), 40), 640);
      host.current!.style.height = `${height}px`;
      editor.layout();
    };
    resize();
    const subscriptions = [
      editor.onDidContentSizeChange(resize),
      editor.onDidChangeModelContent(() => handlers.current.onChange(editor.getValue())),
    ];
    // Actions, not addCommand: an action's keybinding belongs to this editor only.
    editor.addAction({
      id: "course.run-cell",
      label: "Run cell",
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => handlers.current.onRun(),
    });
    editor.addAction({
      id: "course.run-cell-and-advance",
      label: "Run cell and go to the next one",
      keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: () => handlers.current.onRunAndAdvance(),
    });
    const onScheme = (event: MediaQueryListEvent) => monaco.editor.setTheme(event.matches ? "vs-dark" : "vs");
    media.addEventListener("change", onScheme);

    // Test hook: Playwright sets code through the model (typing adds auto-indentation).
    const registry = ((window as unknown as { __courseEditors?: EditorRegistry }).__courseEditors ??= {});
    registry[cellId] = editor;

    onReady?.({
      focus: () => editor.focus(),
      setValue: (code) => editor.setValue(code),
      getValue: () => editor.getValue(),
    });
    return () => {
      media.removeEventListener("change", onScheme);
      subscriptions.forEach((subscription) => subscription.dispose());
      delete registry[cellId];
      editor.getModel()?.dispose();
      editor.dispose();
    };
    // The editor owns its text after mount; `value` only seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cellId]);

  return <div ref={host} className="min-h-10 w-full" data-testid={`editor-${cellId}`} />;
}
