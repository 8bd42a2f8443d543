"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { InvocationResult } from "@/contracts/model-server";
import { requestJson } from "../request-json";
import { useModelServer } from "./use-model-server";

const ROWS = [
  [6.0, 2.2, 5.0, 1.5],
  [5.7, 2.9, 4.2, 1.3],
];
const COLUMNS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

export const EXAMPLES = {
  inputs: { label: "inputs (array)", body: { inputs: ROWS } },
  dataframeSplit: { label: "dataframe_split (with column names)", body: { dataframe_split: { columns: COLUMNS, data: ROWS } } },
  legacy: { label: 'Legacy {"data": …} body from the old tutorial', body: { data: ROWS } },
} as const;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function prettyBody(text: string): string {
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Sends JSON to the learner's scoring server through the app and shows what came back. */
export function RequestPlayground() {
  const server = useModelServer();
  const [body, setBody] = useState(pretty(EXAMPLES.inputs.body));
  const send = useMutation({
    mutationFn: () => requestJson<InvocationResult>("/api/model-server/invocations", { body: { body } }),
  });
  const url = server.data?.exists ? server.data.url : "http://127.0.0.1:5050";
  const compact = (() => {
    try {
      return JSON.stringify(JSON.parse(body));
    } catch {
      return body.replace(/\s+/g, " ");
    }
  })();
  const curl = `curl -X POST ${url}/invocations -H 'Content-Type: application/json' -d '${compact.replace(/'/g, "'\\''")}'`;
  const result = send.data;

  return (
    <section aria-labelledby="playground-title" data-testid="request-playground" className="my-6 rounded-lg border border-slate-300 p-4 dark:border-slate-700">
      <h2 id="playground-title" className="text-lg font-semibold">
        Request playground
      </h2>
      <div className="mt-2 flex flex-wrap gap-2 text-sm">
        {Object.entries(EXAMPLES).map(([key, example]) => (
          <button
            key={key}
            type="button"
            onClick={() => setBody(pretty(example.body))}
            className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Load {example.label}
          </button>
        ))}
      </div>
      <label className="mt-3 block text-sm">
        <span className="mb-1 block font-medium">Request body (JSON). Ctrl+Enter sends it.</span>
        <textarea
          value={body}
          onChange={(event) => setBody(event.target.value)}
          onKeyDown={(event) => {
            if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
              event.preventDefault();
              send.mutate();
            }
          }}
          rows={Math.min(16, body.split("\n").length + 1)}
          spellCheck={false}
          className="w-full rounded border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
          data-testid="playground-body"
        />
      </label>
      <div className="mt-2 flex items-center gap-3">
        <button type="button" onClick={() => send.mutate()} disabled={send.isPending} className="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
          {send.isPending ? "Sending…" : "Send to /invocations"}
        </button>
        {!(server.data?.exists && server.data.state === "ready") && <span className="text-sm text-slate-500 dark:text-slate-400">Start a server in the Serve panel first.</span>}
      </div>
      <div aria-live="polite">
        {send.isError && (
          <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200" data-testid="playground-error">
            {send.error.message}
          </p>
        )}
        {result && (
          <div className="mt-3 text-sm" data-testid="playground-result" data-status={result.status}>
            <p>
              <span className={`font-semibold ${result.status < 300 ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>HTTP {result.status}</span>
              <span className="ml-3 text-slate-500 dark:text-slate-400">{result.durationMs} ms</span>
            </p>
            <pre tabIndex={0} className="mt-1 max-h-72 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900" data-testid="playground-response">
              {prettyBody(result.body)}
            </pre>
            {result.explanation && (
              <p className="mt-2 rounded border-l-4 border-amber-400 bg-amber-50 p-2 dark:bg-amber-950/30" data-testid="playground-explanation">
                {result.explanation}
              </p>
            )}
          </div>
        )}
      </div>
      <p className="mt-4 text-sm font-medium">The same request from a terminal:</p>
      <pre tabIndex={0} className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900" data-testid="playground-curl">
        {curl}
      </pre>
    </section>
  );
}
