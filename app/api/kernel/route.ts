import { handleRoute } from "@/server/http/handle-route";
import { kernelActionSchema } from "@/contracts/cell-requests";
import { kernelAction } from "@/server/learners/kernel-actions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: kernelActionSchema }, async ({ course, learner, body }) => kernelAction(course.learner(learner.id).kernel, body.action));
