import { handleRoute } from "@/server/http/handle-route";
import { signOut } from "@/server/identity/class-sessions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ auth: "public" }, async ({ course, request }) => {
  const { body, setCookie } = await signOut(course, request);
  return Response.json(body, { headers: { "set-cookie": setCookie } });
});
