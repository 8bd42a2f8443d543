import { handleRoute } from "@/server/http/handle-route";
import { sparkQueue } from "@/server/learners/spark-queue";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Where the learner's Spark session and Spark Check stand in the machine's queue (the Check panel asks while it waits). */
export const GET = handleRoute({}, async ({ course, learner }) => Response.json(sparkQueue(course.learner(learner.id).spark), { headers: { "cache-control": "no-store" } }));
