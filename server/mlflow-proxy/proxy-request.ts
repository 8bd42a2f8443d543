import type { CourseConfig } from "../config/config";
import type { CourseIdentity } from "../identity/course-identity";
import { readCookie } from "../identity/session-cookie";
import type { Store } from "../store/database";
import { learnerWorkspace } from "../store/learners";
import type { ArtifactQuota } from "./artifact-quota";
import { forwardToMlflow, problem } from "./forward-to-mlflow";
import { WORKSPACE_API, isAllowedMlflowPath, isJsonApiPath, parseMlflowPath, rawPathname } from "./mlflow-path";

/** Cookie naming the learner whose workspace the instructor is looking at (read-only). */
export const VIEW_COOKIE = "course_view_learner";

/** Requests that only read: the UI searches with POST, and its GraphQL endpoint only queries. */
function readsOnly(request: Request, upstreamPath: string): boolean {
  if (request.method === "GET" || request.method === "HEAD") return true;
  return request.method === "POST" && (/\/search$/.test(upstreamPath) || /\/graphql$/.test(upstreamPath) || /\/search-datasets$/.test(upstreamPath));
}

/**
 * The /mlflow/ proxy with the course's rules. The path is decoded and
 * normalized once (server/mlflow-proxy/mlflow-path.ts); only MLflow routes on
 * the allow-list are forwarded, in that normalized form. Solo: otherwise
 * straight through. Classroom: only signed-in learners, always in their own
 * workspace (whatever header, query or cookie the client sends), no workspace
 * administration, and state changes only from the course's own pages.
 */
export async function proxyToMlflow(course: { config: CourseConfig; store: Store; identity: CourseIdentity; artifactQuota: ArtifactQuota }, request: Request): Promise<Response> {
  const { config } = course;
  const parsed = parseMlflowPath(rawPathname(request.url));
  if (!parsed.ok) {
    return parsed.status === 400
      ? problem(request, 400, "Bad address", `The course refused this MLflow address: ${parsed.reason}.`)
      : problem(request, 404, "Not found", "There is no such page in the course's MLflow.");
  }
  const { path } = parsed;
  const jsonObjectBody = isJsonApiPath(path);
  const classroom = config.mode === "classroom";
  const workspaceCall = WORKSPACE_API.test(path);
  if (!workspaceCall && !isAllowedMlflowPath(path)) {
    return problem(request, 404, "Not found", `The course's MLflow does not offer ${path} (only the UI and the tracking, registry and artifact APIs are open).`);
  }
  if (!classroom) {
    if (workspaceCall && request.method !== "GET") return problem(request, 403, "Not allowed", "Workspaces are managed by the course, not from the MLflow UI.");
    return forwardToMlflow(request, parsed.encoded, { mlflowUrl: config.mlflow.url, jsonObjectBody });
  }

  const viewer = await course.identity.viewer(request.headers.get("cookie"));
  if (!viewer) return problem(request, 401, "Join the class first", "The MLflow UI opens once you have joined the class with its code on the course's home page.");
  let workspace: string;
  if (viewer.role === "instructor") {
    // The instructor looks into one learner's workspace at a time, and only reads.
    const learnerId = readCookie(request.headers.get("cookie"), VIEW_COOKIE);
    const viewed = learnerId ? await learnerWorkspace(course.store, learnerId) : null;
    if (!viewed) return problem(request, 403, "Choose a learner first", "Open a learner's workspace from the instructor page.");
    if (!readsOnly(request, path)) return problem(request, 403, "Read-only", "The instructor's view of a learner's workspace is read-only.");
    workspace = viewed;
  } else if (viewer.learner.workspace) {
    workspace = viewer.learner.workspace;
  } else {
    return problem(request, 403, "No workspace", "Your account has no MLflow workspace; ask the instructor to reset it.");
  }
  if (workspaceCall) {
    // The UI asks which workspaces exist to draw its picker: a learner has exactly one.
    if (request.method === "GET" && /\/workspaces\/?$/.test(path)) return Response.json({ workspaces: [{ name: workspace }] });
    if (request.method === "GET" && path.replace(/\/$/, "").endsWith(`/workspaces/${workspace}`)) return Response.json({ workspace: { name: workspace } });
    return problem(request, 403, "Not allowed", "Workspaces are managed by the course, not from the MLflow UI.");
  }
  const overQuota = await course.artifactQuota.problem(request, path, workspace);
  if (overQuota) return overQuota;
  const url = new URL(request.url);
  url.searchParams.delete("workspace");
  const cleaned = url.toString() === request.url ? request : new Request(url, request);
  return forwardToMlflow(cleaned, parsed.encoded, { mlflowUrl: config.mlflow.url, extraHeaders: { "X-MLFLOW-WORKSPACE": workspace }, strictOrigin: true, jsonObjectBody });
}

