import { classFeed } from "@/server/classroom/class-messages";
import { handleRoute } from "@/server/http/handle-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The signed-in learner's class feed: the class's lesson and their messages (classroom mode only). */
export const GET = handleRoute({}, async ({ course, learner }) => Response.json(await classFeed(course, learner), { headers: { "cache-control": "no-store" } }));
