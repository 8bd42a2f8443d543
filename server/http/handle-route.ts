import { z } from "zod";
import { AppError, isAppError } from "../errors/app-error";
import type { Learner } from "../identity/course-identity";
import { assertSameOrigin } from "../identity/same-origin";
import type { CourseRuntime } from "../runtime/course-runtime";
import { courseRuntime } from "../runtime/runtime-access";
import { clientKey, requestClientAddress } from "./client-address";

/**
 * Who may call a route: `learner` (the default: the signed-in learner, or the
 * one solo learner), `instructor`, or `public` (sign-in routes and health).
 * Checked before the input is even parsed, so strangers get 401, not 400.
 */
export type RouteAuth = "learner" | "instructor" | "public";

type Schemas<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> = { body?: B; query?: Q; auth?: RouteAuth };

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

type Context<B, Q, P> = {
  request: Request;
  body: B;
  query: Q;
  params: P;
  /** The course: its store, services and learners. */
  course: CourseRuntime;
  /** The signed-in learner (routes whose auth is "learner"). */
  learner: Learner;
  /** Whom per-client limits count against: the address the course's entry point saw (IPv6 by /64), never one the client named. */
  clientKey: string;
};

/** What instructor and public routes get for `learner`: any use of it is a programming error, said at once. */
const NO_LEARNER: Learner = new Proxy({} as Learner, {
  get(_target, property) {
    throw new Error(`handleRoute: this route's auth is not "learner", so it has no learner (read .${String(property)}).`);
  },
});

/**
 * The one wrapper every JSON route goes through: it parses and validates input,
 * maps AppError codes to statuses, and never lets an unexpected error's
 * internals reach the client.
 */
export function handleRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P = Record<string, string | string[]>,
>(schemas: Schemas<B, Q>, handler: (context: Context<Infer<B>, Infer<Q>, P>) => Promise<Response | unknown>) {
  return async (request: Request, routeContext?: { params?: Promise<P> }): Promise<Response> => {
    try {
      const course = courseRuntime();
      assertSameOrigin(request, course.config.mode === "classroom");
      const auth = schemas.auth ?? "learner";
      const learner = auth === "learner" ? await course.identity.learner(request) : NO_LEARNER;
      if (auth === "instructor") await course.identity.instructor(request);
      const params = (await routeContext?.params) ?? ({} as P);
      const query = schemas.query ? parseWith(schemas.query, Object.fromEntries(new URL(request.url).searchParams), "query") : undefined;
      const body = schemas.body ? parseWith(schemas.body, await readJson(request, course.config.limits.apiBytes), "body") : undefined;
      const clientKeyOf = clientKey(requestClientAddress(request));
      const result = await handler({ request, body: body as Infer<B>, query: query as Infer<Q>, params, course, learner, clientKey: clientKeyOf });
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function errorResponse(error: unknown): Response {
  if (isAppError(error)) {
    const retryAfter = typeof error.details?.retryAfterSeconds === "number" ? { "retry-after": String(error.details.retryAfterSeconds) } : undefined;
    return Response.json({ error: { code: error.code, message: error.message, ...(error.details ?? {}) } }, { status: error.status, headers: retryAfter });
  }
  console.error("Unexpected error in a route:", error);
  return Response.json(
    { error: { code: "internal", message: "Something went wrong on the course server. Try again; if it keeps happening, check the terminal running `npm start`." } },
    { status: 500 },
  );
}

/** The body as JSON; over `maxBytes` (the course's routes' cap, which the entry point also enforces while it streams) it is refused before parsing. */
async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("payload_too_large", `The request body is ${Math.round(declared / 1024)} KB; the limit is ${maxBytes / 1000} KB.`);
  const text = await request.text();
  if (text.length > maxBytes) throw new AppError("payload_too_large", `The request body is over the ${maxBytes / 1000} KB limit.`);
  if (text.trim() === "") throw new AppError("bad_request", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
  throw new AppError("bad_request", `Invalid ${where}: ${details}`);
}
