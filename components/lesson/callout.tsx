import type { ReactNode } from "react";

const STYLES = {
  note: { box: "border-sky-300 bg-sky-50 dark:border-sky-800 dark:bg-sky-950/30", label: "Note" },
  tip: { box: "border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/30", label: "Tip" },
  warning: { box: "border-amber-400 bg-amber-50 dark:border-amber-700 dark:bg-amber-950/30", label: "Warning" },
} as const;

export function Callout({ variant, title, children }: { variant: keyof typeof STYLES; title: string; children: ReactNode }) {
  const style = STYLES[variant];
  return (
    <aside className={`my-4 rounded-lg border-l-4 p-3 ${style.box}`} aria-label={title || style.label}>
      <p className="mb-1 text-sm font-semibold">{title || style.label}</p>
      {children}
    </aside>
  );
}
