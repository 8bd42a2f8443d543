import { z } from "zod";
import { classExport } from "@/server/dashboard/class-export";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const exportQuery = z.object({ kind: z.enum(["matrix-csv", "attempts-csv", "json"], { error: "must be matrix-csv, attempts-csv or json" }) });

export const GET = handleRoute({ auth: "instructor", query: exportQuery }, async ({ course, query }) => {
  const file = await classExport(course.store, query.kind, new Date(), { mode: course.config.mode });
  return new Response(file.body, { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" } });
});
