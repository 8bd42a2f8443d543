import { handleRoute } from "@/server/http/handle-route";
import { startServerSchema } from "@/contracts/model-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({}, async ({ course, learner }) => course.learner(learner.id).modelServer.view());

export const POST = handleRoute({ body: startServerSchema }, async ({ course, learner, body }) =>
  course.learner(learner.id).modelServer.start(body.modelUri, body.port, learner.workspace),
);

export const DELETE = handleRoute({}, async ({ course, learner }) => course.learner(learner.id).modelServer.stop());
