import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { modelServerStatus, startModelServer, stopModelServer } from "@/server/model-servers/learner-model-server";
import { startServerSchema } from "@/server/model-servers/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({}, async ({ request }) => modelServerStatus(await currentLearner(request)));

export const POST = handleRoute({ body: startServerSchema }, async ({ request, body }) =>
  startModelServer(await currentLearner(request), body.modelUri, body.port),
);

export const DELETE = handleRoute({}, async ({ request }) => stopModelServer(await currentLearner(request)));
