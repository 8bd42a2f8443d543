import crypto from "node:crypto";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import { FailureLimiter } from "../grading/rate-limit";
import { getStore } from "../store/database";
import { ensureLearner, findActiveLearner } from "../store/learners";
import { createSession, revokeSession } from "../store/sessions";
import { checkInstructorPassword, classCode, ensureInstructorPassword } from "./class-settings";
import { currentViewer } from "./current-learner";
import { signed, sessionSecret, unsign } from "./secrets";
import { clearedSessionCookie, isHttps, sessionCookie } from "./session-cookie";
import { createWorkspace, workspaceName } from "./workspaces";

type Holder = { guesses?: FailureLimiter };
const holder = ((globalThis as { __courseSessions?: Holder }).__courseSessions ??= {});
// Class codes and the instructor password are short: limit wrong guesses per client address.
// Only failures count, so a whole class joining at once is never held up.
const guesses = (holder.guesses ??= new FailureLimiter(10, 60_000));

export type SessionResult = { body: Record<string, unknown>; setCookie: string };

/**
 * Whom to count guesses against. X-Forwarded-For is only believed behind a
 * reverse proxy that sets it (COURSE_TRUST_PROXY=true); otherwise a client could
 * pick a new address for every guess, so all direct clients share one count.
 */
function clientAddress(request: Request): string {
  if (!getConfig().classroom.trustProxy) return "direct";
  return request.headers.get("x-forwarded-for")?.split(",")[0].trim() || request.headers.get("x-real-ip") || "direct";
}

/** Starts a session and answers the cookie that carries it. */
async function issueSession(request: Request, role: "learner" | "instructor", learnerId: string | null): Promise<string> {
  const config = getConfig();
  const { sessionHours } = config.classroom;
  const session = await createSession(await getStore(config.dataDir), role, learnerId, sessionHours);
  return sessionCookie(config.dataDir, session.id, sessionHours * 3600, isHttps(request));
}

function requireClassroom() {
  if (getConfig().mode !== "classroom") throw new AppError("not_found", "This course runs in solo mode: there is no class to join. Start it with COURSE_MODE=classroom for a class.");
}

function sameCode(given: string, expected: string): boolean {
  const a = Buffer.from(given.trim().toUpperCase());
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** A learner joins with the class code and a display name, and gets a private MLflow workspace. */
export async function joinClass(request: Request, input: { classCode: string; displayName: string }): Promise<SessionResult> {
  requireClassroom();
  const config = getConfig();
  const db = await getStore(config.dataDir);
  return guesses.run(`join:${clientAddress(request)}`, async () => {
    if (!sameCode(input.classCode, await classCode(db))) throw new AppError("forbidden", "That class code is not right. Check it with your instructor (it may have been changed).");
    const learnerId = crypto.randomBytes(5).toString("hex");
    const workspace = workspaceName(learnerId);
    await createWorkspace(config.mlflow.url, workspace);
    await ensureLearner(db, learnerId, input.displayName.trim());
    await db.updateTable("learners").set({ workspace }).where("id", "=", learnerId).execute();
    return { body: { learner: { id: learnerId, displayName: input.displayName.trim() } }, setCookie: await issueSession(request, "learner", learnerId) };
  });
}

export async function signInInstructor(request: Request, password: string): Promise<SessionResult> {
  requireClassroom();
  const config = getConfig();
  const db = await getStore(config.dataDir);
  return guesses.run(`instructor:${clientAddress(request)}`, async () => {
    // Picks up COURSE_INSTRUCTOR_PASSWORD when it was set or changed since the last start.
    if (config.classroom.instructorPassword) await ensureInstructorPassword(db, config);
    if (!(await checkInstructorPassword(db, password))) throw new AppError("forbidden", "That is not the instructor password.");
    return { body: { role: "instructor" }, setCookie: await issueSession(request, "instructor", null) };
  });
}

export async function signOut(request: Request): Promise<SessionResult> {
  const config = getConfig();
  const viewer = await currentViewer(request.headers.get("cookie"));
  if (viewer?.sessionId) await revokeSession(await getStore(config.dataDir), viewer.sessionId);
  return { body: { signedOut: true }, setCookie: clearedSessionCookie(isHttps(request)) };
}

const REJOIN_HOURS = 24;

/** A link the instructor hands a learner who lost their session (another browser, cleared cookies). */
export function rejoinLink(origin: string, learnerId: string): string {
  const expires = Date.now() + REJOIN_HOURS * 3_600_000;
  const token = signed(sessionSecret(getConfig().dataDir), `rejoin:${learnerId}:${expires}`);
  return `${origin}/join/rejoin?token=${encodeURIComponent(token)}`;
}

/** Turns a re-join token into a session for its learner. */
export async function redeemRejoin(request: Request, token: string): Promise<SessionResult> {
  requireClassroom();
  const config = getConfig();
  const value = unsign(sessionSecret(config.dataDir), token);
  const [kind, learnerId, expires] = value?.split(":") ?? [];
  if (kind !== "rejoin" || !learnerId || !(Number(expires) > Date.now())) {
    throw new AppError("forbidden", "This re-join link is not valid or has expired; ask your instructor for a new one.");
  }
  const db = await getStore(config.dataDir);
  const learner = await findActiveLearner(db, learnerId);
  if (!learner) throw new AppError("forbidden", "This learner is no longer in the class.");
  return { body: { learner: { id: learnerId } }, setCookie: await issueSession(request, "learner", learnerId) };
}
