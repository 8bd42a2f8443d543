import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { completeSchema } from "@/server/lessons/cell-schemas";
import { completeCode } from "@/server/kernels/kernel-actions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: completeSchema }, async ({ request, body }) => completeCode(await currentLearner(request), body.code, body.cursorPos));
