import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { CourseConfig } from "../config/config";
import { bodyLimitFor, capStreamingBody, declaredLength, describeLimit } from "./body-limit";
import { CLIENT_ADDRESS_HEADER, resolveClientAddress } from "./client-address";

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** A door's answer: let the request in (and say when it has left), or refuse it before its body is read. */
export type DoorAnswer =
  | { admitted: true; release: () => void }
  | { admitted: false; status: number; body: Record<string, unknown>; headers?: Record<string, string> };

export type SiteServerOptions = {
  /** Only these addresses are answered (all by default); others get 404 with `message` before anything else runs. */
  only?: { answers(url: string): boolean; message: string };
  /** Asked once a request's headers are in: `null` for requests it does not keep, else whether it may come in. */
  door?: (request: IncomingMessage) => DoorAnswer | null;
};

/**
 * The course's own HTTP entry point, in front of Next.js. It does what a route
 * handler cannot: it sees the TCP peer (so per-client limits count the real
 * client, `x-course-client-address`), and it caps every request body while it
 * streams, before Next.js buffers it; an `Expect: 100-continue` upload over
 * the cap is refused before its body is sent.
 */
export function createSiteServer(
  config: Pick<CourseConfig, "limits" | "classroom">,
  handle: RequestHandler,
  { only, door }: SiteServerOptions = {},
): http.Server {
  const admit = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (!decodablePath(request.url ?? "/")) {
      sendJson(response, 400, { error: { code: "bad_request", message: "The address has broken %-encoding (a % must be followed by two hexadecimal digits of valid UTF-8)." } });
      return false;
    }
    if (only && !only.answers(request.url ?? "/")) {
      sendJson(response, 404, { error: { code: "not_found", message: only.message } });
      return false;
    }
    // Only the entry point says who the client is.
    delete request.headers[CLIENT_ADDRESS_HEADER];
    request.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], config.classroom.trustedProxies);

    const limit = bodyLimitFor(request.url ?? "/", config.limits);
    const declared = declaredLength(request);
    if (declared !== null && declared > limit) {
      refuseTooLarge(response, limit, declared);
      return false;
    }
    capStreamingBody(request, limit, () => refuseTooLarge(response, limit, null));

    const answer = door?.(request);
    if (answer && !answer.admitted) {
      // The body is read and dropped (still under the cap), so the connection stays usable.
      request.resume();
      sendJson(response, answer.status, answer.body, { keepAlive: true, headers: answer.headers });
      return false;
    }
    if (answer) response.once("close", answer.release);
    return true;
  };

  const server = http.createServer((request, response) => {
    if (admit(request, response)) void runHandler(handle, request, response);
  });
  // Without this listener Node answers `100 Continue` to everything; with it, an
  // upload that is already known to be too large is refused before its body comes.
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    if (!admit(request, response)) return;
    response.writeContinue();
    void runHandler(handle, request, response);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === "ECONNRESET") return socket.destroy();
    const body = JSON.stringify({ error: { code: "bad_request", message: "The course could not read this HTTP request (malformed request line or headers)." } });
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

/** Next.js cannot route a path that does not decode; it would answer 500. */
function decodablePath(url: string): boolean {
  try {
    decodeURIComponent(url.split("?")[0]);
    return true;
  } catch {
    return false;
  }
}

async function runHandler(handle: RequestHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    await handle(request, response);
  } catch (error) {
    // A refused body makes Next.js's reader fail; the 413 has been sent already.
    if (response.headersSent || response.writableEnded) return;
    console.error("Unexpected error before a route ran:", error);
    sendJson(response, 500, { error: { code: "internal", message: "Something went wrong on the course server. Try again." } });
  }
}

function refuseTooLarge(response: ServerResponse, limit: number, declared: number | null): void {
  // The rest of the body is dropped as it comes. The connection closes a while after the answer
  // is out (at once would reset it, and a client still sending could lose the answer; 1 s was too
  // short for a client on a machine busy with a class's kernels).
  const socket = response.socket; // taken now: a finished response lets go of its socket
  const closeSoon = () => void setTimeout(() => socket?.destroy(), 5000).unref();
  if (response.headersSent || response.writableEnded) return closeSoon(); // an answer is (being) sent already
  // The answer says `Connection: close`, after which Node.js ends the socket as soon as the answer
  // is written: on this socket, that end waits the same while.
  if (socket) socket.destroySoon = closeSoon;
  const size = declared === null ? "over" : `${describeLimit(declared)}, over`;
  sendJson(
    response,
    413,
    { error: { code: "payload_too_large", message: `The request body is too large (${size} the ${describeLimit(limit)} limit of this address).` } },
  );
}

function sendJson(
  response: ServerResponse,
  status: number,
  payload: unknown,
  { keepAlive = false, headers = {} }: { keepAlive?: boolean; headers?: Record<string, string> } = {},
): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(keepAlive ? {} : { connection: "close" }), ...headers });
  response.end(body);
}
