"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { JOIN_LIMITS } from "@/contracts/session-requests";
import { requestJson } from "../request-json";

export function JoinForm() {
  const [classCode, setClassCode] = useState("");
  const [displayName, setDisplayName] = useState("");
  const join = useMutation({
    mutationFn: () => requestJson("/api/session/join", { body: { classCode, displayName } }),
    onSuccess: () => window.location.assign("/"),
  });
  return (
    <form
      className="mt-6 space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        join.mutate();
      }}
    >
      <div>
        <label className="block">
          <span className="mb-1 block font-medium">Class code</span>
          <input
            value={classCode}
            onChange={(event) => setClassCode(event.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
            maxLength={JOIN_LIMITS.classCode.inputMaxLength}
            placeholder={JOIN_LIMITS.classCode.example}
            aria-describedby="class-code-hint"
            className="w-full rounded border border-slate-300 bg-white px-3 py-2 font-mono uppercase tracking-widest dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        <p id="class-code-hint" className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          {JOIN_LIMITS.classCode.length} letters and digits, as your instructor shows it; the dash and upper case are optional.
        </p>
      </div>
      <div>
        <label className="block">
          <span className="mb-1 block font-medium">Your name</span>
          <input
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            autoComplete="name"
            required
            maxLength={JOIN_LIMITS.displayName.maxLength}
            aria-describedby="display-name-hint"
            className="w-full rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        <p id="display-name-hint" className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          Up to {JOIN_LIMITS.displayName.maxLength} characters. Names are unique in a class: if yours is taken, add an initial.
        </p>
      </div>
      <button type="submit" disabled={join.isPending} className="w-full rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
        {join.isPending ? "Joining…" : "Join"}
      </button>
      <p aria-live="polite" role="status" className="text-red-700 dark:text-red-300">
        {join.isError ? join.error.message : ""}
      </p>
    </form>
  );
}
