import { catchUpExercise } from "@/server/catch-up/catch-up";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const maxDuration = 900;

export const POST = handleRoute<undefined, undefined, { exercise: string }>({}, async ({ course, learner, params }) => catchUpExercise(course, learner, params.exercise));
