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
 * Returns null for a request it does not take, else the answering's promise, for the entry point
 * (which answers 500 when it fails before anything was sent). The entry point's checks (path
 * encoding, client address, body caps) have run before; the handler does its own (origin,
 * session, input).
 */
export function directRoute(method: string, pathname: string, handler: WebRouteHandler) {
  return (request: IncomingMessage, response: ServerResponse): Promise<void> | null => {
    if (request.method !== method || (request.url ?? "/").split("?")[0] !== pathname) return null;
    return sendAnswer(handler, request, response);
  };
}

async function sendAnswer(handler: WebRouteHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // A browser that goes away mid-answer cancels the handler's stream, as under Next.js.
  response.once("close", () => {
    if (!response.writableFinished) void reader?.cancel().catch(() => undefined);
  });
  try {
    const answer = await handler(toWebRequest(request));
    // The entry point has answered already (a body over its cap: 413), so this answer is not sent.
    if (response.headersSent || response.writableEnded) return void (await answer.body?.cancel().catch(() => undefined));
    const headers: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = name === "set-cookie" ? answer.headers.getSetCookie() : value;
    });
    response.writeHead(answer.status, headers);
    if (!answer.body) return void response.end();
    reader = answer.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!response.write(value)) await new Promise<void>((resolve) => response.once("drain", resolve).once("close", resolve));
      if (response.destroyed) return;
    }
    response.end();
  } catch (error) {
    // Nothing sent yet: the entry point's 500 (site-entry.ts).
    if (!response.headersSent) throw error;
    // Broken off mid-answer: the client sees the connection end, not a complete answer.
    if (!response.writableEnded) response.destroy();
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
