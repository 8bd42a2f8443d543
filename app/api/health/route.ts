import { getConfig } from "@/server/config/runtime-config";
import { getHealth } from "@/server/health/get-health";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({}, async () => {
  const report = await getHealth(getConfig());
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
