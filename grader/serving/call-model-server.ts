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

/** MLflow's scoring server answers errors as `{error_code, message}`; show the message. */
export function describeErrorAnswer(answer: { status: number; text: string; json: unknown }): string {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  const text = typeof message === "string" ? message : answer.text;
  return text.trim() ? `${answer.status}: ${snippet(text, 240)}` : String(answer.status);
}
