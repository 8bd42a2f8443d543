import { classDashboard } from "@/server/dashboard/class-dashboard";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({ auth: "instructor" }, async ({ course }) => {
  return Response.json(await classDashboard(course.store, new Date(), { mode: course.config.mode }), { headers: { "cache-control": "no-store" } });
});
