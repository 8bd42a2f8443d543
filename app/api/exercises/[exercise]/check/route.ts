import { checkExercise } from "@/server/grading/check-exercise";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute<undefined, undefined, { exercise: string }>({}, async ({ course, learner, params }) =>
  checkExercise(course, learner, params.exercise),
);
