import { handleRoute } from "@/server/http/handle-route";
import { invokeModelServer } from "@/server/model-servers/learner-model-server";
import { invocationSchema } from "@/contracts/model-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: invocationSchema }, async ({ learner, body }) =>
  invokeModelServer(learner, body.body, body.contentType),
);
