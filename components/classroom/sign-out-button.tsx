"use client";

export function SignOutButton() {
  return (
    <button
      type="button"
      className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
      onClick={async () => {
        await fetch("/api/session/logout", { method: "POST" });
        window.location.assign("/join");
      }}
    >
      Sign out
    </button>
  );
}
