import { classSettingsSchema } from "@/contracts/classroom";
import { teachingSettings, updateTeachingSettings } from "@/server/classroom/teaching-settings";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = handleRoute({ auth: "instructor" }, async ({ course }) => teachingSettings(course));

export const PUT = handleRoute({ auth: "instructor", body: classSettingsSchema }, async ({ course, body }) => updateTeachingSettings(course, body));
