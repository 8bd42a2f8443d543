import { errorResponse } from "@/server/http/handle-route";
import { isHttps, viewedLearnerCookie } from "@/server/identity/session-cookie";
import { VIEW_COOKIE } from "@/server/mlflow-proxy/proxy-request";
import { mlflowHomeFor } from "@/server/mlflow-proxy/ui-links";
import { courseRuntime } from "@/server/runtime/runtime-access";
import { learnerWorkspace } from "@/server/store/learners";
import { AppError } from "@/server/errors/app-error";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Opens a learner's MLflow workspace, read-only, for the instructor. */
export async function GET(request: Request, { params }: { params: Promise<{ learner: string }> }): Promise<Response> {
  try {
    const course = courseRuntime();
    await course.identity.instructor(request);
    const { learner } = await params;
    const workspace = await learnerWorkspace(course.store, learner);
    if (!workspace) throw new AppError("not_found", `There is no learner "${learner}" in this class.`);
    return new Response(null, {
      status: 303,
      headers: { location: mlflowHomeFor(workspace), "set-cookie": viewedLearnerCookie(VIEW_COOKIE, learner, isHttps(request)) },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
