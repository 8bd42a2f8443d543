import { getReadiness } from "@/server/health/readiness";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness for load balancers and Kubernetes: 200 when this instance can serve, else 503. Public, and says only which service is down. */
export const GET = handleRoute({ auth: "public" }, async ({ course }) => {
  const readiness = await getReadiness(course);
  return Response.json(readiness, { status: readiness.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
