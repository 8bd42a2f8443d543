import { handleRoute } from "@/server/http/handle-route";
import { completeSchema } from "@/contracts/cell-requests";
import { completeCode } from "@/server/kernels/kernel-actions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: completeSchema }, async ({ learner, body }) => completeCode(learner, body.code, body.cursorPos));
