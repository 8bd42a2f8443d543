"use client";

import { requestJson } from "../request-json";

export function SignOutButton() {
  return (
    <button
      type="button"
      className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
      onClick={async () => {
        await requestJson("/api/session/logout", { method: "POST" }).catch(() => undefined);
        window.location.assign("/join");
      }}
    >
      Sign out
    </button>
  );
}
