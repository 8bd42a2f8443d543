import { errorResponse } from "@/server/http/handle-route";
import { redeemRejoin } from "@/server/identity/class-sessions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    const token = new URL(request.url).searchParams.get("token") ?? "";
    const { setCookie } = await redeemRejoin(request, token);
    return new Response(null, { status: 303, headers: { location: "/", "set-cookie": setCookie } });
  } catch (error) {
    return errorResponse(error);
  }
}
