import { checkExercise } from "@/server/grading/check-exercise";
import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute<undefined, undefined, { exercise: string }>({}, async ({ request, params }) =>
  checkExercise(await currentLearner(request), params.exercise),
);
