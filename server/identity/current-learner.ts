import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { getStore } from "../store/database";
import { ensureLearner, findActiveLearner } from "../store/learners";
import { findLiveSession } from "../store/sessions";
import { sessionIdFromCookie } from "./session-cookie";

export type Learner = { id: string; displayName: string; workspace?: string };
export type Viewer = { role: "learner"; learner: Learner; sessionId?: string } | { role: "instructor"; sessionId: string };

/** Solo mode has exactly one learner, on this machine. */
const SOLO_LEARNER: Learner = { id: "local", displayName: "You" };
let soloReady: Promise<void> | undefined;

/**
 * Who is asking, from the signed session cookie only: never from a body,
 * query or header the client chose. Null when nobody is signed in.
 */
export async function currentViewer(cookieHeader: string | null): Promise<Viewer | null> {
  const config = getConfig();
  const db = await getStore(config.dataDir);
  if (config.mode === "solo") {
    // One write per process is enough to have the solo learner's row.
    soloReady ??= ensureLearner(db, SOLO_LEARNER.id, SOLO_LEARNER.displayName).catch((error) => {
      soloReady = undefined;
      throw error;
    });
    await soloReady;
    return { role: "learner", learner: SOLO_LEARNER };
  }
  const sessionId = sessionIdFromCookie(config.dataDir, cookieHeader);
  if (!sessionId) return null;
  const session = await findLiveSession(db, sessionId);
  if (!session) return null;
  if (session.role === "instructor") return { role: "instructor", sessionId };
  const row = await findActiveLearner(db, session.learnerId!);
  if (!row) return null;
  return { role: "learner", learner: { id: row.id, displayName: row.display_name, workspace: row.workspace ?? undefined }, sessionId };
}

/** The learner making this request; 401 when nobody is signed in, 403 for the instructor. */
export async function currentLearner(request?: Request | null): Promise<Learner> {
  const viewer = await currentViewer(request?.headers.get("cookie") ?? null);
  if (!viewer) throw new AppError("unauthorized", "Join the class first: open the course's home page and enter the class code.");
  if (viewer.role !== "learner") throw new AppError("forbidden", "This is a learner's action; the instructor account has no workspace of its own.");
  return viewer.learner;
}

/** The instructor making this request; 401 when nobody is signed in, 403 for a learner. */
export async function currentInstructor(request: Request): Promise<{ sessionId: string }> {
  const viewer = await currentViewer(request.headers.get("cookie"));
  if (!viewer) throw new AppError("unauthorized", "Sign in as the instructor first.");
  if (viewer.role !== "instructor") throw new AppError("forbidden", "Only the instructor can do this.");
  return { sessionId: viewer.sessionId };
}
