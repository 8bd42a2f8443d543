import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { invokeModelServer } from "@/server/model-servers/learner-model-server";
import { invocationSchema } from "@/server/model-servers/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: invocationSchema }, async ({ request, body }) =>
  invokeModelServer(await currentLearner(request), body.body, body.contentType),
);
