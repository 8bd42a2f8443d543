import { catchUpLesson } from "@/server/catch-up/catch-up";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// Lesson 4's reference cells train and log a sweep: a catch-up may take minutes.
export const maxDuration = 900;

export const POST = handleRoute<undefined, undefined, { slug: string }>({}, async ({ course, learner, params }) => catchUpLesson(course, learner, params.slug));
