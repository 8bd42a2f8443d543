"use client";

import { useEffect, useRef } from "react";
import type { Completion } from "@/contracts/cell-requests";
import { requestJson } from "../request-json";
import { monaco, setCompletionSource } from "./monaco";

setCompletionSource((code, cursorPos) =>
  requestJson<Completion>("/api/kernel/complete", { body: { code, cursorPos } }),
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

const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

// Monaco's vs-dark draws comments in #608b4e, 4.2:1 on its background: below WCAG AA's 4.5:1.
// The course's dark theme is vs-dark with VS Code's newer comment colour (5.0:1).
monaco.editor.defineTheme("course-dark", { base: "vs-dark", inherit: true, rules: [{ token: "comment", foreground: "6A9955" }], colors: {} });
const themeFor = (dark: boolean) => (dark ? "course-dark" : "vs");
const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

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
      theme: themeFor(media.matches),
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
      // No blinking cursor or smooth scrolling for learners who asked for less motion.
      ...(reducedMotion() ? { cursorBlinking: "solid" as const, smoothScrolling: false, cursorSmoothCaretAnimation: "off" as const } : {}),
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
    // Monaco keeps Tab for indentation. Escape then Tab (or Shift+Tab) leaves the editor: Escape
    // turns on Monaco's tab-focus mode for this editor, so the browser moves focus as usual; any
    // other key, or leaving, turns it off again. (Ctrl+M, Monaco's own toggle, works too.)
    let leaving = false;
    const stopLeaving = () => {
      if (!leaving) return;
      leaving = false;
      editor.updateOptions({ tabFocusMode: false });
    };
    subscriptions.push(
      editor.onKeyDown((event) => {
        if (event.keyCode === monaco.KeyCode.Escape) {
          leaving = true;
          editor.updateOptions({ tabFocusMode: true });
        } else if (event.keyCode !== monaco.KeyCode.Tab && event.keyCode !== monaco.KeyCode.Shift) stopLeaving();
      }),
      editor.onDidBlurEditorText(stopLeaving),
    );
    const onScheme = (event: MediaQueryListEvent) => monaco.editor.setTheme(themeFor(event.matches));
    media.addEventListener("change", onScheme);

    onReady?.({
      focus: () => editor.focus(),
      setValue: (code) => editor.setValue(code),
      getValue: () => editor.getValue(),
    });
    return () => {
      media.removeEventListener("change", onScheme);
      subscriptions.forEach((subscription) => subscription.dispose());
      editor.getModel()?.dispose();
      editor.dispose();
    };
    // The editor owns its text after mount; `value` only seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cellId]);

  return <div ref={host} className="min-h-10 w-full" data-testid={`editor-${cellId}`} />;
}
