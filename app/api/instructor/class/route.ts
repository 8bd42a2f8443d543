import { classOverview, rotateCode } from "@/server/classroom/class-roster";
import { classActionSchema } from "@/contracts/classroom";
import { startNewClass } from "@/server/classroom/start-new-class";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({ auth: "instructor" }, async ({ course }) => classOverview(course));

export const POST = handleRoute({ auth: "instructor", body: classActionSchema }, async ({ course, body }) => (body.action === "new-class" ? startNewClass(course) : rotateCode(course)));
