import { handleRoute } from "@/server/http/handle-route";
import { resetCodeSchema, saveCodeSchema } from "@/contracts/cell-requests";
import { resetCellCode, saveCellCode } from "@/server/lessons/cell-code";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PUT = handleRoute({ body: saveCodeSchema }, async ({ course, learner, body }) =>
  saveCellCode(course, learner.id, body.lesson, body.cellId, body.code),
);

export const DELETE = handleRoute({ body: resetCodeSchema }, async ({ course, learner, body }) =>
  resetCellCode(course, learner.id, body.lesson, body.cellId),
);
