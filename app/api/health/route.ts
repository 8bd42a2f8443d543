import { getHealth } from "@/server/health/get-health";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({}, async ({ course }) => {
  const report = await getHealth(course);
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
