import { AppError } from "../errors/app-error";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection for state-changing requests: the browser must show that the
 * request comes from the course's own pages (Origin, or Sec-Fetch-Site).
 * With `strict` (classroom mode) a request that proves nothing is refused too.
 */
export function assertSameOrigin(request: Request, strict: boolean): void {
  if (SAFE.has(request.method)) return;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  const origin = request.headers.get("origin");
  if (origin) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost !== host) throw new AppError("forbidden", "This request came from another site, so the course refused it.");
    return;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new AppError("forbidden", "This request came from another site, so the course refused it.");
  if (strict && !site) throw new AppError("forbidden", "The request does not say where it comes from (no Origin header); send it from the course's pages.");
}
