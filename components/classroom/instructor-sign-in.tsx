"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { requestJson } from "../request-json";

export function InstructorSignIn() {
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => requestJson("/api/session/instructor", { body: { password } }),
    onSuccess: () => window.location.reload(),
  });
  return (
    <form
      className="mt-6 space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate();
      }}
    >
      <label className="block">
        <span className="mb-1 block font-medium">Password</span>
        <input
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
          required
          className="w-full rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        />
      </label>
      <p className="text-sm text-slate-500 dark:text-slate-400">
        It is COURSE_INSTRUCTOR_PASSWORD, or the one `npm start` printed the first time it ran in classroom mode.
      </p>
      <button type="submit" disabled={signIn.isPending} className="w-full rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
        {signIn.isPending ? "Signing in…" : "Sign in"}
      </button>
      <p aria-live="polite" role="status" className="text-red-700 dark:text-red-300">
        {signIn.isError ? signIn.error.message : ""}
      </p>
    </form>
  );
}
