"use client";

// Monaco, bundled with the site: the core editor, its standard features and
// Python highlighting. Nothing is loaded from a CDN (classrooms may be offline).
import * as monaco from "monaco-editor/editor";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/python/register";
import type { Completion } from "@/contracts/cell-requests";

type MonacoGlobal = typeof globalThis & { MonacoEnvironment?: monaco.Environment };

(globalThis as MonacoGlobal).MonacoEnvironment = {
  getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker", import.meta.url), { type: "module" }),
};

type CompletionSource = (code: string, cursorPos: number) => Promise<Completion>;

let completionSource: CompletionSource | null = null;
let completionRegistered = false;

/** Python completions come from the learner's kernel (Jedi) through the app. */
export function setCompletionSource(source: CompletionSource) {
  completionSource = source;
  if (completionRegistered) return;
  completionRegistered = true;
  monaco.languages.registerCompletionItemProvider("python", {
    triggerCharacters: ["."],
    async provideCompletionItems(model, position) {
      if (!completionSource) return { suggestions: [] };
      const code = model.getValue();
      const offset = model.getOffsetAt(position);
      const reply = await completionSource(code, offset).catch(() => null);
      if (!reply) return { suggestions: [] };
      const start = model.getPositionAt(reply.cursorStart);
      const end = model.getPositionAt(reply.cursorEnd);
      const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
      return {
        suggestions: reply.matches.map((match, index) => ({
          label: match,
          kind: monaco.languages.CompletionItemKind.Variable,
          insertText: match,
          range,
          sortText: String(index).padStart(4, "0"),
        })),
      };
    },
  });
}

export { monaco };
