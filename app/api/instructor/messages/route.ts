import { sendClassMessage, sentClassMessages } from "@/server/classroom/class-messages";
import { sendMessageSchema } from "@/contracts/classroom";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({ auth: "instructor" }, async ({ course }) => sentClassMessages(course));

export const POST = handleRoute({ auth: "instructor", body: sendMessageSchema }, async ({ course, body }) => ({
  message: await sendClassMessage(course, body.to === "learner" ? { to: "learner", learnerId: body.learnerId } : { to: "everyone" }, body.text),
}));
