import type { ReactNode } from "react";

const COLORS: Record<number, string> = {
  30: "text-slate-900 dark:text-slate-200",
  31: "text-red-700 dark:text-red-400",
  32: "text-emerald-700 dark:text-emerald-400",
  33: "text-amber-700 dark:text-amber-300",
  34: "text-blue-700 dark:text-blue-400",
  35: "text-fuchsia-700 dark:text-fuchsia-400",
  36: "text-cyan-700 dark:text-cyan-400",
  37: "text-slate-500 dark:text-slate-300",
};

/**
 * Renders text with ANSI colour codes (IPython tracebacks) as React text
 * nodes: colours become classes, nothing is ever interpreted as HTML.
 */
export function AnsiText({ text: raw }: { text: string }) {
  const text = applyCarriageReturns(raw);
  const parts: ReactNode[] = [];
  let color: string | undefined;
  let bold = false;
  const pattern = /\x1b\[([\d;]*)m/g;
  let last = 0;
  let match: RegExpExecArray | null;
  const push = (chunk: string) => {
    if (!chunk) return;
    parts.push(
      color || bold ? (
        <span key={parts.length} className={`${color ?? ""} ${bold ? "font-bold" : ""}`}>
          <CourseMlflowLinks text={chunk} />
        </span>
      ) : (
        <CourseMlflowLinks key={parts.length} text={chunk} />
      ),
    );
  };
  while ((match = pattern.exec(text))) {
    push(text.slice(last, match.index));
    last = pattern.lastIndex;
    for (const code of (match[1] || "0").split(";").map(Number)) {
      if (code === 0) {
        color = undefined;
        bold = false;
      } else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code === 39) color = undefined;
      else if (COLORS[code]) color = COLORS[code];
      else if (COLORS[code - 60]) color = COLORS[code - 60];
    }
  }
  push(text.slice(last).replace(/\x1b\[[\d;]*[A-Za-z]/g, ""));
  return <>{parts}</>;
}

/**
 * MLflow's "View run ... at:" links, which the course has pointed at its own MLflow UI
 * (`/mlflow/#/...`, server/kernels/mlflow-links.ts), as links that open beside the lesson.
 */
function CourseMlflowLinks({ text }: { text: string }) {
  const pieces = text.split(/(?<=^|\s)(\/mlflow\/#\/[^\s]+)/);
  if (pieces.length === 1) return <>{text}</>;
  return (
    <>
      {pieces.map((piece, index) =>
        index % 2 === 1 ? (
          <a key={index} href={piece} target="_blank" rel="noopener" className="text-blue-700 underline dark:text-blue-300">
            {piece}
          </a>
        ) : (
          piece
        ),
      )}
    </>
  );
}

/**
 * A terminal's `\r` returns to the start of the line, so what follows overwrites it: progress bars
 * (tqdm, pip) redraw one line many times. Each line shows what a terminal would end with.
 */
export function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const redraws = line.split("\r");
      // A trailing `\r` (the bar is about to be redrawn) keeps the last drawing.
      const drawn = redraws.filter((drawing, index) => drawing !== "" || index === 0);
      let shown = "";
      for (const drawing of drawn) shown = drawing + shown.slice(drawing.length);
      return shown;
    })
    .join("\n");
}
