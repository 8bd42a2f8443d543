import { isAppError } from "@/server/errors/app-error";
import { errorResponse } from "@/server/http/handle-route";
import { previewRejoin, redeemRejoin } from "@/server/identity/class-sessions";
import { assertSameOrigin } from "@/server/identity/same-origin";
import { courseRuntime } from "@/server/runtime/runtime-access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A re-join link works once. Opening it (GET) only shows whom it signs in and a
 * button; the button (POST) uses it. So a chat app or mail scanner that fetches
 * the link to preview it does not use it up before the learner clicks.
 */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  try {
    const { learner } = await previewRejoin(courseRuntime(), token);
    return page(
      200,
      "Re-join the class",
      `<p>This link signs this browser in as <strong>${escapeHtml(learner.displayName)}</strong>. It works once.</p>
<form method="post" action="/join/rejoin"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Continue as ${escapeHtml(learner.displayName)}</button></form>`,
    );
  } catch (error) {
    return refusal(error, true);
  }
}

export async function POST(request: Request): Promise<Response> {
  const html = !(request.headers.get("content-type") ?? "").includes("application/json");
  try {
    const course = courseRuntime();
    assertSameOrigin(request, course.config.mode === "classroom");
    const token = await tokenFrom(request);
    const { setCookie } = await redeemRejoin(course, request, token);
    return new Response(null, { status: 303, headers: { location: "/", "set-cookie": setCookie, "cache-control": "no-store" } });
  } catch (error) {
    return refusal(error, html);
  }
}

async function tokenFrom(request: Request): Promise<string> {
  const text = (await request.text()).slice(0, 4096);
  if ((request.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      const parsed = JSON.parse(text) as { token?: unknown };
      return typeof parsed?.token === "string" ? parsed.token : "";
    } catch {
      return "";
    }
  }
  return new URLSearchParams(text).get("token") ?? "";
}

/** A used or expired link is 410 Gone; one that never existed (or a removed learner's) 403. */
function refusal(error: unknown, html: boolean): Response {
  if (!isAppError(error)) return errorResponse(error);
  const reason = error.details?.reason;
  const status = reason === "used" || reason === "expired" ? 410 : error.status;
  if (!html) {
    const json = errorResponse(error);
    return new Response(json.body, { status, headers: json.headers });
  }
  return page(status, "This re-join link does not work", `<p>${escapeHtml(error.message)}</p><p><a href="/join">Join the class</a> with the class code instead, under another name, or ask your instructor for a new link.</p>`);
}

function page(status: number, title: string, body: string): Response {
  const document = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · MLflow Training</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#0f172a}h1{font-size:1.6rem}button{background:#0369a1;color:#fff;border:0;border-radius:.25rem;padding:.5rem 1rem;font-size:1rem;cursor:pointer}a{color:#0369a1}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(document, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // The token is in this page's address: never send it on as a Referer.
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "x-content-type-options": "nosniff",
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
