import { getConfig } from "../config/runtime-config";
import { currentViewer } from "../identity/current-learner";
import { forwardToMlflow, problem } from "./forward-to-mlflow";

const WORKSPACE_API = /^\/(ajax-)?api\/3\.0\/mlflow\/workspaces(\/|$)/;

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
  if (viewer.role !== "learner" || !viewer.learner.workspace) {
    return problem(request, 403, "No workspace of your own", "The instructor account has no MLflow workspace; learners' work is reviewed from the instructor page.");
  }
  const workspace = viewer.learner.workspace;
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
