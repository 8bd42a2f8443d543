import { snippet } from "@/lib/mlflow/send-request";

/**
 * Talks to the learner's model server (`mlflow models serve`). Every outcome
 * is an answer about the learner's work, never an exception: a server that is
 * down is something the learner fixes.
 */
export type ServerAnswer =
  | { kind: "answered"; status: number; text: string; json: unknown | undefined }
  | { kind: "down"; reason: string }
  | { kind: "timeout" };

export async function callModelServer(
  url: string,
  init: { method: "GET" | "POST"; body?: unknown },
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<ServerAnswer> {
  const fetchFn = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetchFn(url, {
      method: init.method,
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal,
      cache: "no-store",
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { kind: "answered", status: response.status, text, json };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout" };
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNREFUSED") return { kind: "down", reason: "connection refused" };
    if (code === "ENOTFOUND") return { kind: "down", reason: "host not found" };
    return { kind: "down", reason: (error as { cause?: Error }).cause?.message ?? (error as Error).message };
  }
}

/**
 * MLflow's scoring server answers errors as `{error_code, message}`, plus `stack_trace` when the
 * model itself raised. Shows the reason: a refusal by the model's signature nests it at the end of
 * the message ("Failed to predict data ... Error: Failed to enforce schema ... Error: Model is
 * missing inputs [...]"); an error raised by the model (scikit-learn refusing the columns of a
 * model without a signature) comes with a generic message, and its reason is the exception that
 * ends `stack_trace` ("ValueError: The feature names should match ...").
 */
export function describeErrorAnswer(answer: { status: number; text: string; json: unknown }): string {
  const json = answer.json as { message?: unknown; stack_trace?: unknown } | null | undefined;
  const message = typeof json?.message === "string" ? innermostReason(json.message) : answer.text;
  const raised = typeof json?.stack_trace === "string" ? raisedException(json.stack_trace) : "";
  const parts = [snippet(message, 240), raised && `(${snippet(raised, 240)})`].filter(Boolean);
  return parts.length ? `${answer.status}: ${parts.join(" ")}` : String(answer.status);
}

/** The part after the last "Error: " of MLflow's nested messages (not "ValueError: "), or the whole. */
function innermostReason(message: string): string {
  const last = message.split(/\bError: /).at(-1)?.trim();
  return last || message;
}

/** The exception a Python traceback ends with: its lines after the last indented (frame) line. */
function raisedException(stackTrace: string): string {
  const lines = stackTrace.trimEnd().split("\n");
  let start = lines.length;
  while (start > 0 && !/^\s/.test(lines[start - 1])) start--;
  return lines.slice(start).filter((line) => line.trim() && !line.startsWith("Traceback (most recent call last)")).join(" ");
}
