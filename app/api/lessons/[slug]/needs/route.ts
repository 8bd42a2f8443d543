import { lessonNeeds } from "@/server/catch-up/catch-up";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** What the lesson builds on, graded on the learner's live MLflow state. */
export const GET = handleRoute<undefined, undefined, { slug: string }>({}, async ({ course, learner, params }) => lessonNeeds(course, learner, params.slug));
