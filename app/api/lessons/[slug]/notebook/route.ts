import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { exportNotebook } from "@/server/lessons/export-notebook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute<undefined, undefined, { slug: string }>({}, async ({ request, params }) => {
  const { filename, notebook } = await exportNotebook(await currentLearner(request), params.slug);
  return new Response(JSON.stringify(notebook, null, 1), {
    headers: { "content-type": "application/x-ipynb+json", "content-disposition": `attachment; filename="${filename}"` },
  });
});
