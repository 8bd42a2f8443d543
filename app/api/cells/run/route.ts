import { handleRoute } from "@/server/http/handle-route";
import { runCellSchema } from "@/contracts/cell-requests";
import { streamCellRun } from "@/server/learners/stream-cell-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute({ body: runCellSchema }, async ({ course, learner, body }) => {
  const stream = await streamCellRun(course, course.learner(learner.id), body);
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
