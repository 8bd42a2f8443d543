import { getConfig } from "@/server/config/runtime-config";
import { classDashboard } from "@/server/dashboard/class-dashboard";
import { handleRoute } from "@/server/http/handle-route";
import { getStore } from "@/server/store/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({ auth: "instructor" }, async () => {
  const config = getConfig();
  return Response.json(await classDashboard(await getStore(config.dataDir), new Date(), { mode: config.mode }), { headers: { "cache-control": "no-store" } });
});
