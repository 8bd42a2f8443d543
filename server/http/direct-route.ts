import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** An App Router route handler: a web Request in, a web Response out. */
export type WebRouteHandler = (request: Request) => Promise<Response>;

/**
 * One App Router route handler answered by the course's entry point itself, before Next.js: the
 * same handler (the route file's export), the same Request and Response, without Next's own work
 * for each request (routing, its request wrappers, about 2 ms of CPU a request on a 2-core
 * machine). Only for the route every cell run takes; the route stays where Next.js serves it too
 * (development, and any request this does not take).
 *
 * Returns whether it took the request. The entry point's checks (path encoding, client address,
 * body caps) have run before; the handler does its own (origin, session, input).
 */
export function directRoute(method: string, pathname: string, handler: WebRouteHandler) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== method || (request.url ?? "/").split("?")[0] !== pathname) return false;
    void answer(handler, request, response);
    return true;
  };
}

async function answer(handler: WebRouteHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // A browser that goes away mid-answer cancels the handler's stream, as under Next.js.
  response.once("close", () => {
    if (!response.writableFinished) void reader?.cancel().catch(() => undefined);
  });
  try {
    const answerOf = await handler(toWebRequest(request));
    // The entry point has answered already (a body over its cap: 413), so this answer is not sent.
    if (response.headersSent || response.writableEnded) return void (await answerOf.body?.cancel().catch(() => undefined));
    const headers: Record<string, string | string[]> = {};
    answerOf.headers.forEach((value, name) => {
      headers[name] = name === "set-cookie" ? answerOf.headers.getSetCookie() : value;
    });
    response.writeHead(answerOf.status, headers);
    if (!answerOf.body) return void response.end();
    reader = answerOf.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!response.write(value)) await new Promise<void>((resolve) => response.once("drain", resolve).once("close", resolve));
      if (response.destroyed) return;
    }
    response.end();
  } catch (error) {
    // Broken off mid-answer: the client sees the connection end, not a complete answer.
    if (response.headersSent) return void (response.writableEnded || response.destroy());
    console.error("Unexpected error in a route:", error);
    const body = JSON.stringify({ error: { code: "internal", message: "Something went wrong on the course server. Try again." } });
    response.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  }
}

function toWebRequest(request: IncomingMessage): Request {
  // The parsed headers, not the raw ones: the entry point has replaced what a client may not say
  // (its own address).
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const each of Array.isArray(value) ? value : [value]) headers.append(name, each);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(requestUrl(request), {
    method: request.method,
    headers,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
    // @ts-expect-error: Node's fetch needs this for a streamed body; the DOM types do not know it.
    duplex: hasBody ? "half" : undefined,
  });
}

/** The request's address as Next.js makes it (from its Host header); a Host that is no host name counts as none. */
function requestUrl(request: IncomingMessage): URL {
  try {
    return new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  } catch {
    return new URL(request.url ?? "/", "http://localhost");
  }
}
