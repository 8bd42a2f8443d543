import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { kernelActionSchema } from "@/server/lessons/cell-schemas";
import { kernelAction } from "@/server/kernels/kernel-actions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: kernelActionSchema }, async ({ request, body }) => kernelAction(await currentLearner(request), body.action));
