import { dismissClassMessage } from "@/server/classroom/class-messages";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Hides one of the learner's messages from the live notice; it stays in their list. */
export const POST = handleRoute<undefined, undefined, { message: string }>({}, async ({ course, learner, params }) => dismissClassMessage(course, learner, params.message));
