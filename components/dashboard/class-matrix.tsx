"use client";

import { useMemo, useState } from "react";
import type { ExerciseInfo, MatrixRow } from "@/contracts/dashboard";
import { formatDuration } from "./format";

const STATE_STYLE: Record<string, { label: string; cell: string }> = {
  "not-started": { label: "not started", cell: "bg-slate-50 text-slate-600 dark:bg-slate-900 dark:text-slate-400" },
  "in-progress": { label: "in progress", cell: "bg-sky-50 text-sky-900 dark:bg-sky-950/50 dark:text-sky-200" },
  passed: { label: "passed", cell: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200" },
  stuck: { label: "stuck", cell: "bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-200" },
  "caught-up": { label: "caught up", cell: "bg-amber-50 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200" },
};

type SortKey = "name" | "passed" | "stuck" | "attempts" | `exercise:${string}`;
const STATE_ORDER: Record<string, number> = { stuck: 0, "in-progress": 1, "not-started": 2, "caught-up": 3, passed: 4 };

/** Learners by exercises; sortable by any column, filterable by name and state. */
export function ClassMatrix({ rows, exercises, onOpen }: { rows: MatrixRow[]; exercises: ExerciseInfo[]; onOpen: (learnerId: string) => void }) {
  const [sort, setSort] = useState<{ key: SortKey; direction: 1 | -1 }>({ key: "name", direction: 1 });
  const [filter, setFilter] = useState("");
  const [state, setState] = useState("all");
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = rows.filter(
      (row) =>
        (!needle || row.displayName.toLowerCase().includes(needle)) &&
        (state === "all" || Object.values(row.cells).some((cell) => cell.state === state)),
    );
    const value = (row: MatrixRow): string | number => {
      if (sort.key === "name") return row.displayName.toLowerCase();
      if (sort.key.startsWith("exercise:")) return STATE_ORDER[row.cells[sort.key.slice(9)]?.state ?? "not-started"];
      return row[sort.key as "passed" | "stuck" | "attempts"];
    };
    return [...kept].sort((a, b) => (value(a) < value(b) ? -sort.direction : value(a) > value(b) ? sort.direction : a.displayName.localeCompare(b.displayName)));
  }, [rows, filter, state, sort]);

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.direction === 1 ? "ascending" : "descending") : "none"} className="px-2 py-1 align-bottom">
        <button type="button" className="text-left font-semibold hover:underline" onClick={() => setSort({ key, direction: active ? (-sort.direction as 1 | -1) : 1 })}>
          {label}
          <span aria-hidden className="ml-1 text-slate-500 dark:text-slate-400">
            {active ? (sort.direction === 1 ? "▲" : "▼") : ""}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div>
      <div className="mb-2 flex flex-wrap gap-3 text-sm">
        <label>
          <span className="mr-1">Filter</span>
          <input value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="name" className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
        </label>
        <label>
          <span className="mr-1">Showing learners with an exercise</span>
          <select value={state} onChange={(event) => setState(event.target.value)} className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900">
            <option value="all">in any state</option>
            <option value="stuck">stuck</option>
            <option value="in-progress">in progress</option>
            <option value="passed">passed</option>
            <option value="caught-up">caught up</option>
            <option value="not-started">not started</option>
          </select>
        </label>
        <span className="self-center text-slate-500 dark:text-slate-400">
          {shown.length} of {rows.length} learners
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full table-fixed border-collapse text-left text-sm" data-testid="class-matrix">
          <colgroup>
            <col className="w-44" />
            {exercises.map((exercise) => (
              <col key={exercise.id} className="w-36" />
            ))}
            <col className="w-20" />
          </colgroup>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              {header("name", "Learner")}
              {exercises.map((exercise) => header(`exercise:${exercise.id}`, exercise.title))}
              {header("attempts", "Attempts")}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.learnerId} className="border-b border-slate-200 dark:border-slate-800" data-testid={`matrix-row-${row.displayName}`}>
                <th scope="row" className="truncate px-2 py-1 font-medium">
                  <button type="button" className="hover:underline" onClick={() => onOpen(row.learnerId)}>
                    {row.displayName}
                  </button>
                </th>
                {exercises.map((exercise) => {
                  const cell = row.cells[exercise.id];
                  const style = STATE_STYLE[cell?.state ?? "not-started"];
                  return (
                    <td key={exercise.id} className={`h-12 px-2 py-1 ${style.cell}`} data-testid={`matrix-cell-${exercise.id}`} data-state={cell?.state ?? "not-started"}>
                      <span className="block font-medium">{style.label}</span>
                      <span className="block truncate text-xs">
                        {cell?.attempts ? `${cell.attempts} attempt${cell.attempts === 1 ? "" : "s"}` : "\u00a0"}
                        {cell?.state === "passed" && cell.timeToPassMs !== null ? ` · ${formatDuration(cell.timeToPassMs)}` : ""}
                      </span>
                    </td>
                  );
                })}
                <td className="px-2 py-1 tabular-nums">{row.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
