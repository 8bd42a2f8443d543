import { getConfig } from "../config/runtime-config";
import { currentViewer } from "../identity/current-learner";
import { readCookie } from "../identity/session-cookie";
import { getStore } from "../store/database";
import { learnerWorkspace } from "../store/learners";
import { forwardToMlflow, problem } from "./forward-to-mlflow";

const WORKSPACE_API = /^\/(ajax-)?api\/3\.0\/mlflow\/workspaces(\/|$)/;

/** Cookie naming the learner whose workspace the instructor is looking at (read-only). */
export const VIEW_COOKIE = "course_view_learner";

/** Requests that only read: the UI searches with POST, and its GraphQL endpoint only queries. */
function readsOnly(request: Request, upstreamPath: string): boolean {
  if (request.method === "GET" || request.method === "HEAD") return true;
  return request.method === "POST" && (/\/search$/.test(upstreamPath) || /\/graphql$/.test(upstreamPath) || /\/runs\/search-datasets$/.test(upstreamPath));
}

/**
 * The /mlflow/ proxy with the course's rules. Solo: straight through. Classroom:
 * only signed-in learners, always in their own workspace (whatever header,
 * query or cookie the client sends), and no workspace administration.
 */
export async function proxyToMlflow(request: Request, upstreamPath: string): Promise<Response> {
  const config = getConfig();
  if (config.mode === "solo") return forwardToMlflow(request, upstreamPath, { mlflowUrl: config.mlflow.url });

  const viewer = await currentViewer(request.headers.get("cookie"));
  if (!viewer) return problem(request, 401, "Join the class first", "The MLflow UI opens once you have joined the class with its code on the course's home page.");
  let workspace: string;
  if (viewer.role === "instructor") {
    // The instructor looks into one learner's workspace at a time, and only reads.
    const learnerId = readCookie(request.headers.get("cookie"), VIEW_COOKIE);
    const viewed = learnerId ? await learnerWorkspace(await getStore(config.dataDir), learnerId) : null;
    if (!viewed) return problem(request, 403, "Choose a learner first", "Open a learner's workspace from the instructor page.");
    if (!readsOnly(request, upstreamPath)) return problem(request, 403, "Read-only", "The instructor's view of a learner's workspace is read-only.");
    workspace = viewed;
  } else if (viewer.learner.workspace) {
    workspace = viewer.learner.workspace;
  } else {
    return problem(request, 403, "No workspace", "Your account has no MLflow workspace; ask the instructor to reset it.");
  }
  if (WORKSPACE_API.test(upstreamPath)) {
    // The UI asks which workspaces exist to draw its picker: a learner has exactly one.
    if (request.method === "GET" && /workspaces\/?$/.test(upstreamPath)) return Response.json({ workspaces: [{ name: workspace }] });
    if (request.method === "GET" && upstreamPath.replace(/\/$/, "").endsWith(`/workspaces/${workspace}`)) return Response.json({ workspace: { name: workspace } });
    return problem(request, 403, "Not allowed", "Workspaces are managed by the course, not from the MLflow UI.");
  }
  const url = new URL(request.url);
  url.searchParams.delete("workspace");
  const cleaned = url.toString() === request.url ? request : new Request(url, request);
  return forwardToMlflow(cleaned, upstreamPath, { mlflowUrl: config.mlflow.url, extraHeaders: { "X-MLFLOW-WORKSPACE": workspace } });
}
