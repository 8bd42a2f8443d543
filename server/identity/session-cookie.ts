import { sessionSecret, signed, unsign } from "./secrets";

export const SESSION_COOKIE = "course_session";

export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** The session id inside a signed cookie, or null when absent or tampered with. */
export function sessionIdFromCookie(dataDir: string, cookieHeader: string | null): string | null {
  const value = readCookie(cookieHeader, SESSION_COOKIE);
  return value ? unsign(sessionSecret(dataDir), value) : null;
}

/** Signed, HTTP-only, SameSite=Lax; Secure when the course is served over HTTPS. */
export function sessionCookie(dataDir: string, sessionId: string, maxAgeSeconds: number, secure: boolean): string {
  const value = encodeURIComponent(signed(sessionSecret(dataDir), sessionId));
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.round(maxAgeSeconds)}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export function isHttps(request: Request): boolean {
  return request.headers.get("x-forwarded-proto") === "https" || new URL(request.url).protocol === "https:";
}
