import { handleRoute } from "@/server/http/handle-route";
import { signOut } from "@/server/identity/class-sessions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ auth: "public" }, async ({ request }) => {
  const { body, setCookie } = await signOut(request);
  return Response.json(body, { headers: { "set-cookie": setCookie } });
});
