import { handleRoute } from "@/server/http/handle-route";
import { exportNotebook } from "@/server/lessons/export-notebook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute<undefined, undefined, { slug: string }>({}, async ({ course, learner, params }) => {
  const { filename, notebook } = await exportNotebook(course, learner.id, params.slug);
  return new Response(JSON.stringify(notebook, null, 1), {
    headers: { "content-type": "application/x-ipynb+json", "content-disposition": `attachment; filename="${filename}"` },
  });
});
