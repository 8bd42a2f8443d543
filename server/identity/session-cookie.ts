import { parse as parseCookieHeader, serialize } from "cookie";
import { signed, unsign } from "./secrets";

export const SESSION_COOKIE = "course_session";

/**
 * One cookie's value from a Cookie header, parsed by the `cookie` library: a value
 * with broken %-encoding comes back as sent (and then fails its signature check),
 * never as an exception.
 */
export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  return parseCookieHeader(cookieHeader)[name] ?? null;
}

/** The session id inside a signed cookie, or null when absent or tampered with. */
export function sessionIdFromCookie(secret: Buffer, cookieHeader: string | null): string | null {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  return value ? unsign(secret, value) : null;
}

/** Signed, HTTP-only, SameSite=Lax; Secure when the course is served over HTTPS. */
export function sessionCookie(secret: Buffer, sessionId: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, signed(secret, sessionId), { path: "/", httpOnly: true, sameSite: "lax", maxAge: Math.round(maxAgeSeconds), secure });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, "", { path: "/", httpOnly: true, sameSite: "lax", maxAge: 0, secure });
}

/**
 * Which learner's MLflow workspace the instructor is viewing (read-only). Not signed: the proxy
 * honours it only for a signed-in instructor, for whom any learner is allowed anyway.
 */
export function viewedLearnerCookie(name: string, learnerId: string, secure: boolean): string {
  return serialize(name, learnerId, { path: "/", httpOnly: true, sameSite: "lax", secure });
}

export function isHttps(request: Request): boolean {
  return request.headers.get("x-forwarded-proto") === "https" || new URL(request.url).protocol === "https:";
}
