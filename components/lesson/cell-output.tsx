import type { CellEvent } from "@/contracts/cell-events";
import { AnsiText } from "./ansi-text";

/** The visible output of one cell: streams merged, rich output in order. */
export function CellOutput({ events }: { events: CellEvent[] }) {
  const blocks = mergeStreams(events);
  if (blocks.length === 0) return null;
  return (
    <div className="space-y-2 border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-800" data-testid="cell-output">
      {blocks.map((event, index) => (
        <OutputBlock key={index} event={event} />
      ))}
    </div>
  );
}

function OutputBlock({ event }: { event: CellEvent }) {
  switch (event.type) {
    case "stream":
      return (
        <pre className={`whitespace-pre-wrap break-words font-mono text-[13px] ${event.name === "stderr" ? "text-amber-800 dark:text-amber-300" : ""}`}>
          <AnsiText text={event.text} />
        </pre>
      );
    case "text":
      return (
        <pre className="whitespace-pre-wrap break-words font-mono text-[13px]">
          <AnsiText text={event.text} />
        </pre>
      );
    case "html":
      // Sanitized on the server (sanitize-html) before it was streamed here.
      return <div tabIndex={0} className="cell-html overflow-x-auto" dangerouslySetInnerHTML={{ __html: event.html }} />;
    case "image":
      // eslint-disable-next-line @next/next/no-img-element
      return <img className="max-w-full rounded bg-white" src={`data:${event.mime};base64,${event.data}`} alt={event.alt ?? "Plot produced by the cell"} />;
    case "error":
      return (
        <div className="rounded border border-red-300 bg-red-50 p-2 dark:border-red-800 dark:bg-red-950/40" data-testid="cell-error">
          <p className="font-mono font-semibold text-red-800 dark:text-red-300">
            {event.ename}: {event.evalue}
          </p>
          {event.traceback.length > 0 && (
            <pre tabIndex={0} className="mt-2 overflow-x-auto whitespace-pre font-mono text-[12px] leading-snug">
              <AnsiText text={event.traceback.join("\n")} />
            </pre>
          )}
        </div>
      );
    case "notice":
      return (
        <p
          className={`rounded px-2 py-1 ${event.level === "error" ? "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" : event.level === "warning" ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200" : "bg-slate-100 dark:bg-slate-800"}`}
          data-testid="cell-notice"
        >
          {event.text}
        </p>
      );
    default:
      return null;
  }
}

/** Consecutive chunks of the same stream read better as one block. */
function mergeStreams(events: CellEvent[]): CellEvent[] {
  const merged: CellEvent[] = [];
  for (const event of events) {
    const previous = merged[merged.length - 1];
    if (event.type === "stream" && previous?.type === "stream" && previous.name === event.name) {
      merged[merged.length - 1] = { ...previous, text: previous.text + event.text };
    } else {
      merged.push(event);
    }
  }
  return merged;
}
