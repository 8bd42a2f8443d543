import { handleRoute } from "@/server/http/handle-route";
import { signInInstructor } from "@/server/identity/class-sessions";
import { instructorSignInSchema } from "@/contracts/session-requests";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ auth: "public", body: instructorSignInSchema }, async ({ course, request, clientKey, body }) => {
  const { body: payload, setCookie } = await signInInstructor(course, request, clientKey, body.password);
  return Response.json(payload, { headers: { "set-cookie": setCookie } });
});
