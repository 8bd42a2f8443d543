import { handleRoute } from "@/server/http/handle-route";
import { joinClass } from "@/server/identity/class-sessions";
import { joinSchema } from "@/contracts/session-requests";
import { warmKernel } from "@/server/kernels/course-kernels";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ auth: "public", body: joinSchema }, async ({ request, body }) => {
  const { body: payload, setCookie } = await joinClass(request, body);
  // The new learner's kernel starts while their browser goes to the course.
  warmKernel(payload.learner.id);
  return Response.json(payload, { headers: { "set-cookie": setCookie } });
});
