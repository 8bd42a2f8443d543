import type { z } from "zod";
import { MlflowUnavailableError } from "./mlflow-unavailable-error";

/** How to reach one MLflow server. Passed in, never read from globals. */
export type MlflowConnection = {
  /** e.g. http://127.0.0.1:5000 (no trailing slash needed). */
  baseUrl: string;
  /** Injected in unit tests (a fetch that answers 500, or hangs). */
  fetch?: typeof fetch;
  /** Per request, body included. Default 5 s. */
  timeoutMs?: number;
  /** MLflow workspace (classroom mode); sent as `X-MLFLOW-WORKSPACE`. */
  workspace?: string;
};

export const DEFAULT_MLFLOW_TIMEOUT_MS = 5000;

type RequestSpec = {
  method: "GET" | "POST" | "DELETE";
  /** Path below the base URL, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
};

/**
 * One JSON call. Returns `null` for MLflow's own 404 RESOURCE_DOES_NOT_EXIST
 * (a learner's missing experiment is an answer, not a failure); throws
 * MlflowUnavailableError for everything that means "MLflow could not answer".
 */
export async function requestJson<S extends z.ZodType>(connection: MlflowConnection, spec: RequestSpec, schema: S): Promise<z.infer<S> | null> {
  const response = await send(connection, spec, "application/json");
  if (response === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw invalid(connection, spec, `not JSON: ${snippet(response.text)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(connection, spec, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "does not match"}`);
  }
  return parsed.data;
}

/** One text download (an artifact such as an MLmodel file); `null` when absent. */
export async function requestText(connection: MlflowConnection, spec: RequestSpec): Promise<string | null> {
  const response = await send(connection, spec, "*/*");
  return response === null ? null : response.text;
}

async function send(connection: MlflowConnection, spec: RequestSpec, accept: string): Promise<{ status: number; text: string } | null> {
  const fetchFn = connection.fetch ?? fetch;
  const timeoutMs = connection.timeoutMs ?? DEFAULT_MLFLOW_TIMEOUT_MS;
  const baseUrl = connection.baseUrl.replace(/\/+$/, "");
  const url = new URL(baseUrl + spec.path);
  for (const [key, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  const headers: Record<string, string> = { accept };
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  if (connection.workspace) headers["x-mlflow-workspace"] = connection.workspace;
  // One deadline for the whole exchange: a server that sends headers and then
  // stalls the body must not hang a Check button.
  const signal = AbortSignal.timeout(timeoutMs);

  let status: number;
  let text: string;
  try {
    const response = await fetchFn(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
      cache: "no-store",
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (signal.aborted || isTimeout(error)) {
      throw new MlflowUnavailableError({
        kind: "timeout",
        baseUrl,
        endpoint: spec.path,
        upstreamMessage: `no answer within ${formatSeconds(timeoutMs)}`,
        cause: error,
      });
    }
    throw new MlflowUnavailableError({ kind: "unreachable", baseUrl, endpoint: spec.path, upstreamMessage: describeNetworkError(error), cause: error });
  }

  if (status >= 200 && status < 300) return { status, text };
  const upstream = readMlflowError(text);
  if (status === 404 && upstream.errorCode === "RESOURCE_DOES_NOT_EXIST") return null;
  throw new MlflowUnavailableError({
    kind: "http_error",
    baseUrl,
    endpoint: spec.path,
    upstreamStatus: status,
    upstreamMessage: upstream.message,
    upstreamErrorCode: upstream.errorCode,
  });
}

/** MLflow's error body is `{error_code, message}`; proxies and crashes send HTML or text. */
function readMlflowError(text: string): { errorCode?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return {
      errorCode: typeof body.error_code === "string" ? body.error_code : undefined,
      message: typeof body.message === "string" ? snippet(body.message) : undefined,
    };
  } catch {
    const plain = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
    return { message: plain ? snippet(plain) : undefined };
  }
}

function invalid(connection: MlflowConnection, spec: RequestSpec, message: string) {
  return new MlflowUnavailableError({
    kind: "invalid_response",
    baseUrl: connection.baseUrl.replace(/\/+$/, ""),
    endpoint: spec.path,
    upstreamMessage: message,
  });
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if (cause?.code === "ENOTFOUND") return "host not found";
  if (cause?.code === "ECONNRESET") return "connection reset";
  return cause?.message ?? (error as Error | null)?.message ?? String(error);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Upstream text is shown to people: keep it to one readable line. */
export function snippet(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
