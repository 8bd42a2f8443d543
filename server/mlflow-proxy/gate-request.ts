import type { CourseConfig } from "../config/config";
import { isAppError } from "../errors/app-error";
import type { CourseIdentity } from "../identity/course-identity";
import type { Store } from "../store/database";
import { findActiveLearner } from "../store/learners";
import type { ArtifactQuota } from "./artifact-quota";
import { FairQueue } from "./fair-queue";
import { NO_GATE_TOKEN } from "./gate-door";
import { forwardToMlflow, problem } from "./forward-to-mlflow";
import { GATE_MOUNT, WORKSPACE_API, isAllowedMlflowPath, isJsonApiPath, parseMlflowPath, rawPathname } from "./mlflow-path";

export { GATE_MOUNT };

/** The course's own routes for learner code, beside MLflow's: `/mlflow-gate/course/<route>` (never an MLflow path). */
const COURSE_ROUTE = new RegExp(`^${GATE_MOUNT}/course/([a-z-]{1,40})$`);

/**
 * The MLflow gate: how learner code (a sandboxed kernel) reaches MLflow. The MLflow client sends
 * the learner's token (MLFLOW_TRACKING_TOKEN) as a bearer token; the gate finds the learner from it
 * and sets their workspace itself, whatever the request says. Same path rule and allow-list as the
 * browser's proxy, and no workspace administration. Locally it is reached over a unix socket
 * bridged into each sandbox; kernels on other machines reach it over the network with the same
 * tokens. One per course runtime.
 */
export class MlflowGate {
  /**
   * Learner code's requests reach MLflow a few at a time (twice its workers), in turn by learner:
   * the rest wait here, so MLflow's own queue stays short for the course's requests (Checks, the
   * dashboard), and a learner's burst does not hold back the others.
   */
  private readonly learnerTraffic: FairQueue;

  constructor(
    private readonly course: {
      config: CourseConfig;
      store: Store;
      identity: CourseIdentity;
      artifactQuota: ArtifactQuota;
      /**
       * The course's own answers to learner code under `/mlflow-gate/course/<route>` (a Spark slot):
       * a body to stream back as NDJSON, or null for a route the course does not have.
       */
      courseRoute?: (learnerId: string, route: string, request: Request) => ReadableStream<Uint8Array> | null;
    },
  ) {
    this.learnerTraffic = new FairQueue(Math.max(2, course.config.mlflow.workers * 2));
  }

  async forward(request: Request): Promise<Response> {
    const { config, store, identity, artifactQuota } = this.course;
    const learnerId = identity.learnerFromGateToken(request.headers.get("authorization"));
    if (!learnerId) return problem(request, 401, "Not signed in", NO_GATE_TOKEN);
    const learner = await findActiveLearner(store, learnerId);
    if (!learner) return problem(request, 401, "Not signed in", "This learner is no longer in the class.");
    const workspace = config.mode === "classroom" ? learner.workspace : null;
    if (config.mode === "classroom" && !workspace) return problem(request, 403, "No workspace", "This learner has no MLflow workspace; ask the instructor to reset it.");

    const courseRoute = COURSE_ROUTE.exec(rawPathname(request.url));
    if (courseRoute) return this.answerCourseRoute(learnerId, courseRoute[1], request);
    const parsed = parseMlflowPath(rawPathname(request.url), GATE_MOUNT);
    if (!parsed.ok) return problem(request, parsed.status, parsed.status === 400 ? "Bad address" : "Not found", `The course refused this MLflow address: ${parsed.reason}.`);
    const { path } = parsed;
    if (WORKSPACE_API.test(path)) {
      if (request.method === "GET" && workspace && /\/workspaces\/?$/.test(path)) return Response.json({ workspaces: [{ name: workspace }] });
      if (request.method === "GET" && workspace && path.replace(/\/$/, "").endsWith(`/workspaces/${workspace}`)) return Response.json({ workspace: { name: workspace } });
      return problem(request, 403, "Not allowed", "Workspaces are managed by the course.");
    }
    if (!isAllowedMlflowPath(path)) return problem(request, 404, "Not found", `The course's MLflow does not offer ${path}.`);
    const overQuota = await artifactQuota.problem(request, path, workspace);
    if (overQuota) return overQuota;
    const url = new URL(request.url);
    url.searchParams.delete("workspace");
    const cleaned = url.toString() === request.url ? request : new Request(url, request);
    return forwardToMlflow(cleaned, parsed.encoded, {
      mlflowUrl: config.mlflow.url,
      mountPath: GATE_MOUNT,
      jsonObjectBody: isJsonApiPath(path),
      extraHeaders: workspace ? { "X-MLFLOW-WORKSPACE": workspace } : {},
      waitTurn: (signal) => this.learnerTraffic.acquire(learnerId, signal),
    });
  }

  private answerCourseRoute(learnerId: string, route: string, request: Request): Response {
    try {
      const body = this.course.courseRoute?.(learnerId, route, request) ?? null;
      if (!body) return Response.json({ error_code: "ENDPOINT_NOT_FOUND", message: `The course has no route ${route} for learner code.` }, { status: 404 });
      return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" } });
    } catch (error) {
      if (isAppError(error)) return Response.json({ error_code: error.code, message: error.message }, { status: error.status });
      throw error;
    }
  }
}
