import { handleRoute } from "@/server/http/handle-route";
import { joinClass } from "@/server/identity/class-sessions";
import { joinSchema } from "@/contracts/session-requests";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ auth: "public", body: joinSchema }, async ({ course, request, clientKey, body }) => {
  const { body: payload, setCookie } = await joinClass(course, request, clientKey, body);
  // The new learner's kernel starts while their browser goes to the course.
  course.learner(payload.learner.id).kernel.warmSoon();
  return Response.json(payload, { headers: { "set-cookie": setCookie } });
});
