import { isAppError } from "../errors/app-error";
import { assertSameOrigin } from "../identity/same-origin";
import { archiveOtherVersions, archivingTransition } from "./archive-existing-versions";

/**
 * Reverse proxy from /mlflow/* to the MLflow server on loopback.
 *
 * MLflow (3.5+) refuses requests whose Host is not local and state-changing
 * API calls whose Origin it does not know. The browser talks to the course's
 * host, so the proxy sends MLflow its own loopback Host and no Origin, after
 * enforcing the same-origin rule itself.
 */

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Request headers MLflow must not see from the browser. */
const DROPPED_REQUEST_HEADERS = new Set([
  "host",
  "origin",
  "referer",
  "cookie",
  // The gate's per-learner token is the course's, not MLflow's.
  "authorization",
  "content-length",
  "accept-encoding",
  // The course has read (and capped) the body already; undici refuses to send `Expect`.
  "expect",
  // The workspace is chosen by the course from the learner's session, never by the client.
  "x-mlflow-workspace",
]);

const DROPPED_RESPONSE_HEADERS = new Set(["content-length", "content-encoding", "set-cookie"]);

export type ForwardOptions = {
  mlflowUrl: string;
  /** Prefix the browser sees, used to rewrite upstream redirects. */
  mountPath?: string;
  /** Headers the course adds (e.g. the learner's workspace). */
  extraHeaders?: Record<string, string>;
  /** MLflow's REST routes: a body must be a JSON object (MLflow answers 500 to other JSON). */
  jsonObjectBody?: boolean;
  /** Classroom mode: a state-changing request must prove it comes from the course's pages (Origin or Sec-Fetch-Site). */
  strictOrigin?: boolean;
  /** Waits for this request's turn to reach MLflow (the gate's queue); the turn ends when MLflow's answer begins. */
  waitTurn?: (signal: AbortSignal) => Promise<() => void>;
  fetchFn?: typeof fetch;
};

export async function forwardToMlflow(request: Request, upstreamPath: string, options: ForwardOptions): Promise<Response> {
  const { mlflowUrl, mountPath = "/mlflow", fetchFn = fetch } = options;
  const incoming = new URL(request.url);

  try {
    assertSameOrigin(request, options.strictOrigin ?? false);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return problem(request, 403, "Cross-origin request blocked", `The course only accepts changes to MLflow from its own pages: ${error.message}`);
  }

  const target = new URL(upstreamPath.replace(/^\/*/, "/"), `${mlflowUrl}/`);
  target.search = incoming.search;

  const headers = new Headers();
  request.headers.forEach((value, key) => {
    const name = key.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !DROPPED_REQUEST_HEADERS.has(name)) headers.set(key, value);
  });
  headers.set("accept-encoding", "identity");
  headers.set("x-forwarded-host", request.headers.get("host") ?? incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  for (const [key, value] of Object.entries(options.extraHeaders ?? {})) headers.set(key, value);

  const hasBody = !["GET", "HEAD"].includes(request.method);
  // Buffered, not streamed: MLflow's Flask handlers sit behind a WSGI bridge that reads
  // nothing from a chunked body, so it needs a Content-Length. (The course's entry point
  // has capped the body's size already.)
  let body = hasBody ? await request.arrayBuffer() : undefined;
  if (body && body.byteLength > 0 && options.jsonObjectBody && !isJsonObject(body)) {
    return problem(request, 400, "Bad request body", "MLflow's API takes a JSON object as the request body, such as {\"name\": \"my-experiment\"}.");
  }
  const archiving = archivingTransition(request.method, decodeURIComponent(upstreamPath), body);
  if (archiving) body = archiving.body;
  let upstream: Response;
  let endTurn = () => {};
  try {
    if (options.waitTurn) endTurn = await options.waitTurn(request.signal);
    upstream = await fetchFn(target, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return problem(
      request,
      502,
      "MLflow is not reachable",
      `The course could not reach its MLflow server (${describeError(error)}). If it just stopped, the course restarts it within a few seconds; try again shortly.`,
    );
  } finally {
    endTurn();
  }

  const responseHeaders = new Headers();
  upstream.headers.forEach((value, key) => {
    const name = key.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !DROPPED_RESPONSE_HEADERS.has(name)) responseHeaders.set(key, value);
  });
  if (archiving && upstream.ok) {
    // MLflow's answer (the moved version) is kept; the archiving is the course's, with the learner's workspace.
    const answer = await upstream.arrayBuffer();
    const workspace = Object.entries(options.extraHeaders ?? {}).find(([key]) => key.toLowerCase() === "x-mlflow-workspace")?.[1];
    try {
      await archiveOtherVersions(mlflowUrl, workspace, archiving.transition);
    } catch (error) {
      return problem(request, 502, "MLflow is not reachable", `MLflow moved the version, but the course could not archive the versions that were in ${archiving.transition.stage} before (${(error as Error).message}). Try again.`);
    }
    return new Response(answer, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
  }
  const location = upstream.headers.get("location");
  if (location) responseHeaders.set("location", rewriteLocation(location, mlflowUrl, mountPath));

  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}

function isJsonObject(body: ArrayBuffer): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function rewriteLocation(location: string, mlflowUrl: string, mountPath: string): string {
  const upstreamOrigin = new URL(mlflowUrl).origin;
  if (location.startsWith(upstreamOrigin)) return `${mountPath}${location.slice(upstreamOrigin.length)}`;
  if (location.startsWith("/")) return `${mountPath}${location}`;
  return location;
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  return cause?.message ?? (error as Error)?.message ?? "unknown error";
}

const ERROR_CODES: Record<number, string> = { 400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "ENDPOINT_NOT_FOUND", 413: "RESOURCE_EXHAUSTED", 502: "MLFLOW_UNREACHABLE" };

/** An error in the form the caller asked for: JSON for API calls, a small page for people. */
export function problem(request: Request, status: number, title: string, detail: string): Response {
  const accept = request.headers.get("accept") ?? "";
  const path = new URL(request.url).pathname;
  const wantsJson = /\/(ajax-)?api\//.test(path) || (accept.includes("application/json") && !accept.includes("text/html"));
  if (wantsJson) {
    return Response.json({ error_code: ERROR_CODES[status] ?? "FORBIDDEN", message: `${title}. ${detail}` }, { status });
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
@media (prefers-color-scheme:dark){body{background:#0b1120;color:#e2e8f0}a{color:#93c5fd}}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="/">Back to the course</a></p></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
