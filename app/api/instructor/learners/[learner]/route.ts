import { learnerRejoinLink, removeLearner, renameLearner, resetLearner } from "@/server/classroom/class-roster";
import { learnerActionSchema } from "@/contracts/classroom";
import { handleRoute } from "@/server/http/handle-route";
import { learnerDetail } from "@/server/instructor/learner-detail";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = handleRoute<typeof learnerActionSchema, undefined, { learner: string }>({ auth: "instructor", body: learnerActionSchema }, async ({ course, request, body, params }) => {
  switch (body.action) {
    case "reset":
      return resetLearner(course, params.learner);
    case "remove":
      return removeLearner(course, params.learner);
    case "rename":
      return renameLearner(course, params.learner, body.displayName);
    case "rejoin-link":
      // The link starts with COURSE_PUBLIC_URL, or this request's Host when it names this server.
      return learnerRejoinLink(course, params.learner, request.headers.get("host"));
  }
});

export const GET = handleRoute<undefined, undefined, { learner: string }>({ auth: "instructor" }, async ({ course, params }) => learnerDetail(course, params.learner));
