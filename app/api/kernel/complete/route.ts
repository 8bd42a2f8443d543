import { handleRoute } from "@/server/http/handle-route";
import { completeSchema } from "@/contracts/cell-requests";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: completeSchema }, async ({ course, learner, body }) => course.learner(learner.id).kernel.complete(body.code, body.cursorPos));
