"use client";

import { useQuery } from "@tanstack/react-query";
import type { HealthReport, ServiceHealth } from "@/contracts/health";

async function fetchHealth(): Promise<HealthReport> {
  // 503 still carries the report: it is how the route says "something is down".
  const response = await fetch("/api/health", { cache: "no-store" });
  if (response.status !== 200 && response.status !== 503) throw new Error(`The course server answered ${response.status}.`);
  return (await response.json()) as HealthReport;
}

/** Where the learner's code runs, in a learner's words (the course's launcher). */
const LAUNCHER_WORDS: Record<HealthReport["launcher"]["kind"], string> = {
  sandbox: "Your code runs in a sandbox of its own.",
  local: "Your code runs as the course's own user, without a sandbox.",
  gateway: "Your kernels run on the class's kernel gateway.",
};

/** `initialHealth`: the report the server rendered the page with, so the first paint shows the services' state. */
export function StatusPanel({ initialHealth }: { initialHealth?: HealthReport }) {
  const { data, error, isPending } = useQuery({
    queryKey: ["health"],
    queryFn: fetchHealth,
    refetchInterval: 3000,
    ...(initialHealth ? { initialData: initialHealth, initialDataUpdatedAt: Date.parse(initialHealth.checkedAt) } : {}),
  });
  const services: Array<[string, ServiceHealth | undefined, string | undefined]> = [
    ["MLflow server", data?.mlflow, data?.mlflow.external ? "external" : undefined],
    ["Jupyter kernels", data?.jupyter, undefined],
    ["Data folder", data?.dataDir, undefined],
  ];
  const overall = error ? "down" : isPending ? "checking" : data?.ok ? "ok" : "problem";
  return (
    <section
      aria-labelledby="status-heading"
      data-testid="status-panel"
      data-status={overall}
      className={`rounded-lg border p-4 ${overall === "ok" ? "border-emerald-300 dark:border-emerald-800" : overall === "checking" ? "border-slate-200 dark:border-slate-800" : "border-red-400 bg-red-50 dark:border-red-700 dark:bg-red-950/40"}`}
    >
      <h2 id="status-heading" className="font-semibold">
        Course services
      </h2>
      <div aria-live="polite" className="mt-3 space-y-3 text-sm">
        {error ? (
          <p className="text-red-700 dark:text-red-300">
            The course server is not answering. Is <code>npm start</code> still running in your terminal?
          </p>
        ) : (
          services.map(([name, health, note]) => <ServiceLine key={name} name={name} health={health} note={note} />)
        )}
      </div>
      {data?.launcher && (
        <p data-testid="status-launcher" data-kind={data.launcher.kind} className="mt-3 text-xs text-slate-600 dark:text-slate-300" title={data.launcher.description}>
          {LAUNCHER_WORDS[data.launcher.kind]}
        </p>
      )}
    </section>
  );
}

function ServiceLine({ name, health, note }: { name: string; health?: ServiceHealth; note?: string }) {
  const state = !health ? "checking" : health.ok ? "ok" : "down";
  const dot = state === "ok" ? "bg-emerald-500" : state === "down" ? "bg-red-500" : "bg-slate-400";
  return (
    <div data-testid={`status-${name.split(" ")[0].toLowerCase()}`} data-state={state}>
      <div className="flex items-center gap-2">
        <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-full ${dot}`} />
        <span className="font-medium">{name}</span>
        {/* The state in words too, never the dot's colour alone. */}
        <span className={state === "down" ? "font-medium text-red-700 dark:text-red-300" : "text-slate-600 dark:text-slate-300"}>
          {state === "ok" ? "working" : state === "down" ? "not working" : "checking"}
        </span>
        {health?.version && <span className="text-slate-500 dark:text-slate-400">{health.version}</span>}
        {note && <span className="rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">{note}</span>}
      </div>
      {health?.supervised && health.supervised.restarts > 0 && (
        <p className="ml-4 text-xs text-slate-500 dark:text-slate-400">Restarted {health.supervised.restarts}× since the course started.</p>
      )}
      {health && !health.ok && health.problem && <p className="ml-4 mt-1 text-red-700 dark:text-red-300">{health.problem}</p>}
    </div>
  );
}
