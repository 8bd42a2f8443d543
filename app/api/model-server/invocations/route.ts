import { handleRoute } from "@/server/http/handle-route";
import { invocationSchema } from "@/contracts/model-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: invocationSchema }, async ({ course, learner, body }) =>
  course.learner(learner.id).modelServer.invoke(body.body, body.contentType),
);
