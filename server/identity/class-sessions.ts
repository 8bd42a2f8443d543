import crypto from "node:crypto";
import type { CourseConfig } from "../config/config";
import { AppError } from "../errors/app-error";
import { storeActionLedger } from "../store/action-ledger";
import type { Store } from "../store/database";
import { findActiveLearner, findActiveLearnerByNameKey, insertClassLearner } from "../store/learners";
import { createRejoinToken, inspectRejoinToken, redeemRejoinToken, type RejoinCheck } from "../store/rejoin-tokens";
import { createSession, revokeSession } from "../store/sessions";
import { CLASS_CODE_EXAMPLE, CLASS_CODE_LENGTH, isCurrentClassCode } from "@/contracts/class-code";
import { instructorPasswordHash, storedClassCode } from "./class-settings";
import type { CourseIdentity } from "./course-identity";
import { displayNameKey, nameTakenMessage } from "./display-name";
import { verifyPassword } from "./passwords";
import { linkOrigin, REJOIN_LINK_MINUTES } from "./rejoin-links";
import { clearedSessionCookie, isHttps, sessionCookie } from "./session-cookie";
import { createLearnerWorkspace, deleteWorkspace } from "./workspaces";

export type SessionResult = { body: Record<string, unknown>; setCookie: string };

/** What signing in and out needs of the course. */
export type SessionDeps = { config: CourseConfig; store: Store; identity: CourseIdentity };

/** Starts a session and answers the cookie that carries it. */
async function issueSession(course: SessionDeps, request: Request, role: "learner" | "instructor", learnerId: string | null): Promise<string> {
  const { sessionHours } = course.config.classroom;
  const session = await createSession(course.store, role, learnerId, sessionHours);
  return sessionCookie(course.identity.secret, session.id, sessionHours * 3600, isHttps(request));
}

function requireClassroom(config: CourseConfig) {
  if (config.mode !== "classroom") throw new AppError("not_found", "This course runs in solo mode: there is no class to join. Start it with COURSE_MODE=classroom for a class.");
}

/** Both bare (normalized) codes; constant time for codes of the same length. */
function sameCode(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function wrongCodeMessage(given: string): string {
  const shape = isCurrentClassCode(given)
    ? ""
    : ` A class code has ${CLASS_CODE_LENGTH} letters and digits, like ${CLASS_CODE_EXAMPLE} (no 0, O, 1 or I).`;
  return `That class code is not right.${shape} Check it with your instructor (it may have been changed).`;
}

/**
 * A learner joins with the class code and a display name, and gets a private
 * MLflow workspace. `classCode` is already normalized and `displayName` checked
 * (joinSchema). Wrong codes are limited per client (`clientKey`: the address the course's entry
 * point saw, never one the client named); the name is only looked at once the code is right, so the
 * class's names are not shown to strangers.
 */
export async function joinClass(
  course: SessionDeps,
  request: Request,
  clientKey: string,
  input: { classCode: string; displayName: string },
): Promise<SessionResult & { body: { learner: { id: string; displayName: string } } }> {
  const { config, store: db, identity } = course;
  requireClassroom(config);
  const guesses = storeActionLedger(db);
  await identity.joinCodeGuesses.assertAllowed(clientKey, guesses); // before any work for a client that is guessing
  const expected = await storedClassCode(db);
  // Count, compare and record in one synchronous step here: concurrent guesses cannot overtake the count.
  if (!(await identity.joinCodeGuesses.attempt(clientKey, () => sameCode(input.classCode, expected), guesses))) throw new AppError("forbidden", wrongCodeMessage(input.classCode));

  const displayName = input.displayName;
  const nameKey = displayNameKey(displayName);
  const holder = await findActiveLearnerByNameKey(db, nameKey);
  if (holder) throw new AppError("conflict", nameTakenMessage(holder.display_name, displayName));

  const learnerId = crypto.randomBytes(5).toString("hex");
  const workspace = await createLearnerWorkspace(config.mlflow.url, learnerId);
  if (!(await insertClassLearner(db, { id: learnerId, displayName, nameKey, workspace }))) {
    // Somebody took the name between the check and now.
    await deleteWorkspace(config.mlflow.url, workspace);
    const winner = await findActiveLearnerByNameKey(db, nameKey);
    throw new AppError("conflict", nameTakenMessage(winner?.display_name ?? displayName, displayName));
  }
  return { body: { learner: { id: learnerId, displayName } }, setCookie: await issueSession(course, request, "learner", learnerId) };
}

export async function signInInstructor(course: SessionDeps, request: Request, clientKey: string, password: string): Promise<SessionResult> {
  const { config, store: db, identity } = course;
  requireClassroom(config);
  const guesses = storeActionLedger(db);
  await identity.instructorPasswordGuesses.assertAllowed(clientKey, guesses);
  await identity.instructorPasswordStored();
  const stored = await instructorPasswordHash(db);
  // One scrypt per sign-in, off the event loop; the count holds its place while it runs.
  if (!(await identity.instructorPasswordGuesses.attempt(clientKey, async () => stored !== null && (await verifyPassword(password, stored)), guesses))) {
    throw new AppError("forbidden", "That is not the instructor password.");
  }
  return { body: { role: "instructor" }, setCookie: await issueSession(course, request, "instructor", null) };
}

export async function signOut(course: SessionDeps, request: Request): Promise<SessionResult> {
  const viewer = await course.identity.viewer(request.headers.get("cookie"));
  if (viewer?.sessionId) await revokeSession(course.store, viewer.sessionId);
  return { body: { signedOut: true }, setCookie: clearedSessionCookie(isHttps(request)) };
}

/**
 * A link the instructor hands a learner who lost their session (another browser,
 * cleared cookies). It works once, for REJOIN_LINK_MINUTES, and starts with the
 * address learners use (see linkOrigin).
 */
export async function rejoinLink(course: Pick<SessionDeps, "config" | "store">, learnerId: string, hostHeader: string | null): Promise<{ url: string; expiresAt: string }> {
  const { token, expiresAt } = await createRejoinToken(course.store, learnerId, REJOIN_LINK_MINUTES * 60_000);
  return { url: `${linkOrigin(course.config.site, hostHeader)}/join/rejoin?token=${encodeURIComponent(token)}`, expiresAt };
}

const REJOIN_REFUSALS: Record<Exclude<RejoinCheck, { ok: true }>["reason"], string> = {
  unknown: "This re-join link is not valid (it may be incomplete, or from before the course was updated); ask your instructor for a new one.",
  used: "This re-join link has been used already: each link works once. Ask your instructor for a new one.",
  expired: `This re-join link has expired (links work for ${REJOIN_LINK_MINUTES} minutes); ask your instructor for a new one.`,
};

function refuse(check: Exclude<RejoinCheck, { ok: true }>): never {
  throw new AppError("forbidden", REJOIN_REFUSALS[check.reason], { reason: check.reason });
}

/** Whom a re-join link would sign in, without using it (the page that asks to continue). */
export async function previewRejoin(course: Pick<SessionDeps, "config" | "store">, token: string): Promise<{ learner: { id: string; displayName: string } }> {
  requireClassroom(course.config);
  const db = course.store;
  const check = await inspectRejoinToken(db, token);
  if (!check.ok) refuse(check);
  const learner = await findActiveLearner(db, check.learnerId);
  if (!learner) throw new AppError("forbidden", "This learner is no longer in the class.", { reason: "removed" });
  return { learner: { id: learner.id, displayName: learner.display_name } };
}

/** Uses a re-join link (once) and starts a session for its learner. */
export async function redeemRejoin(course: SessionDeps, request: Request, token: string): Promise<SessionResult> {
  requireClassroom(course.config);
  const db = course.store;
  const check = await redeemRejoinToken(db, token);
  if (!check.ok) refuse(check);
  const learner = await findActiveLearner(db, check.learnerId);
  if (!learner) throw new AppError("forbidden", "This learner is no longer in the class.", { reason: "removed" });
  return { body: { learner: { id: learner.id } }, setCookie: await issueSession(course, request, "learner", learner.id) };
}
