import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Liveness for Kubernetes: the process answers requests (its services may still be down; see /api/health/ready). */
export const GET = handleRoute({ auth: "public" }, async () => Response.json({ ok: true }, { headers: { "cache-control": "no-store" } }));
