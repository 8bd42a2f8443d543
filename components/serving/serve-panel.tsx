"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { LESSONS_MODEL_URI } from "@/contracts/model-server";
import { requestJson } from "../request-json";
import { useModelServer } from "./use-model-server";

const STATE_LABEL = { starting: "Starting…", ready: "Ready", failed: "Failed", stopped: "Stopped" } as const;
const STATE_TONE = {
  starting: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  ready: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  failed: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  stopped: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
} as const;

/** Starts and stops the learner's model server (what `mlflow models serve` runs), shows its state and streams its log. */
export function ServePanel() {
  const client = useQueryClient();
  const server = useModelServer();
  const data = server.data;
  const [modelUri, setModelUri] = useState(LESSONS_MODEL_URI);
  const [port, setPort] = useState<string>("");
  const logRef = useRef<HTMLPreElement>(null);

  // Reattach after a reload: show what is running, not the defaults.
  const seeded = useRef(false);
  useEffect(() => {
    if (!data || seeded.current) return;
    seeded.current = true;
    if (data.exists) {
      setModelUri(data.modelUri);
      setPort(String(data.port));
    } else setPort(String(data.defaultPort));
  }, [data]);

  const start = useMutation({
    mutationFn: () => requestJson("/api/model-server", { body: { modelUri, port: Number(port) } }),
    onSettled: () => client.invalidateQueries({ queryKey: ["model-server"] }),
  });
  const stop = useMutation({
    mutationFn: () => requestJson("/api/model-server", { method: "DELETE" }),
    onSettled: () => client.invalidateQueries({ queryKey: ["model-server"] }),
  });

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [data]);

  const state = data?.exists ? data.state : null;
  const running = state === "starting" || state === "ready";
  const range = data && !data.exists ? data.portRange : null;
  const command = `mlflow models serve -m ${modelUri || "<model URI>"} -p ${port || "<port>"} --env-manager local`;

  return (
    <section aria-labelledby="serve-title" data-testid="serve-panel" data-state={state ?? "none"} className="my-6 rounded-lg border border-slate-300 p-4 dark:border-slate-700">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="serve-title" className="text-lg font-semibold">
          Serve panel
        </h2>
        <span role="status" aria-live="polite" className={`rounded px-2 py-0.5 text-sm ${state ? STATE_TONE[state] : STATE_TONE.stopped}`} data-testid="serve-state">
          {state ? STATE_LABEL[state] : "No server"}
        </span>
      </div>
      <form
        className="mt-3 grid gap-3 sm:grid-cols-[1fr_8rem_auto]"
        onSubmit={(event) => {
          event.preventDefault();
          start.mutate();
        }}
      >
        <label className="text-sm">
          <span className="mb-1 block font-medium">Model URI</span>
          <input
            value={modelUri}
            onChange={(event) => setModelUri(event.target.value)}
            className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
            aria-describedby="serve-uri-help"
            spellCheck={false}
          />
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Port</span>
          <input
            value={port}
            onChange={(event) => setPort(event.target.value)}
            inputMode="numeric"
            className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" disabled={start.isPending} className="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
            {running ? "Restart" : "Start"}
          </button>
          <button
            type="button"
            onClick={() => stop.mutate()}
            disabled={!running || stop.isPending}
            className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Stop
          </button>
        </div>
      </form>
      <p id="serve-uri-help" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        A stage (models:/IrisModel/Staging), a version (models:/IrisModel/1) or an alias (models:/IrisModel@staging)
        {range ? `; ports ${range.min}-${range.max}` : ""}.
      </p>
      <p className="mt-3 text-sm">The command the course runs for you (with MLFLOW_TRACKING_URI set to the course&apos;s MLflow):</p>
      <pre tabIndex={0} className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs dark:bg-slate-900" data-testid="serve-command">
        {data?.exists && running ? data.command.replace(/^MLFLOW_TRACKING_URI=\S+ /, "") : command}
      </pre>
      {(start.isError || stop.isError) && (
        <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200" data-testid="serve-error">
          {(start.error ?? stop.error)?.message}
        </p>
      )}
      {data?.exists && data.state === "failed" && data.reason && (
        <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200" data-testid="serve-reason">
          {data.reason}
        </p>
      )}
      {data?.exists && data.state === "ready" && (
        <p className="mt-3 text-sm">
          Serving version {data.version} of {data.modelUri} at <code className="font-mono">{data.url}/invocations</code>
        </p>
      )}
      {data?.exists && (
        <details className="mt-3" open={data.state !== "ready"}>
          <summary className="cursor-pointer text-sm font-medium">Server log</summary>
          <pre ref={logRef} tabIndex={0} className="mt-1 max-h-64 overflow-auto rounded bg-slate-950 p-2 font-mono text-xs text-slate-100" data-testid="serve-log">
            {data.log.slice(-200).join("\n")}
          </pre>
        </details>
      )}
    </section>
  );
}
