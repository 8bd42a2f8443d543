import { handleRoute } from "@/server/http/handle-route";
import { currentLearner } from "@/server/identity/current-learner";
import { resetCodeSchema, saveCodeSchema } from "@/server/lessons/cell-schemas";
import { resetCellCode, saveCellCode } from "@/server/lessons/cell-code";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PUT = handleRoute({ body: saveCodeSchema }, async ({ request, body }) =>
  saveCellCode(await currentLearner(request), body.lesson, body.cellId, body.code),
);

export const DELETE = handleRoute({ body: resetCodeSchema }, async ({ request, body }) =>
  resetCellCode(await currentLearner(request), body.lesson, body.cellId),
);
