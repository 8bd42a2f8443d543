import { handleRoute } from "@/server/http/handle-route";
import { kernelActionSchema } from "@/contracts/cell-requests";
import { kernelAction } from "@/server/kernels/kernel-actions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: kernelActionSchema }, async ({ learner, body }) => kernelAction(learner, body.action));
