import { handleRoute } from "@/server/http/handle-route";
import { modelServerStatus, startModelServer, stopModelServer } from "@/server/model-servers/learner-model-server";
import { startServerSchema } from "@/contracts/model-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({}, async ({ learner }) => modelServerStatus(learner));

export const POST = handleRoute({ body: startServerSchema }, async ({ learner, body }) =>
  startModelServer(learner, body.modelUri, body.port),
);

export const DELETE = handleRoute({}, async ({ learner }) => stopModelServer(learner));
