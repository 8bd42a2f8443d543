import { z } from "zod";
import { getConfig } from "@/server/config/runtime-config";
import { classExport } from "@/server/dashboard/class-export";
import { handleRoute } from "@/server/http/handle-route";
import { getStore } from "@/server/store/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const exportQuery = z.object({ kind: z.enum(["matrix-csv", "attempts-csv", "json"], { error: "must be matrix-csv, attempts-csv or json" }) });

export const GET = handleRoute({ auth: "instructor", query: exportQuery }, async ({ query }) => {
  const config = getConfig();
  const file = await classExport(await getStore(config.dataDir), query.kind, new Date(), { mode: config.mode });
  return new Response(file.body, { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" } });
});
