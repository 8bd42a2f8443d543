import http from "node:http";
import net from "node:net";

/**
 * HTTP exactly as an attacker would send it: the path goes on the request line
 * untouched (fetch and `new URL` would resolve `..`, `\` and `%2e` first),
 * headers as given, and an optional source address on the loopback range so a
 * test can play several clients.
 */
export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string; json: any };

export type RawRequest = {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  localAddress?: string;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
};

export function rawRequest(site: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(site);
  const headers: Record<string, string | string[]> = { ...(request.headers ?? {}) };
  if (request.body !== undefined) {
    if (request.chunked) headers["transfer-encoding"] = "chunked";
    else headers["content-length"] = String(Buffer.byteLength(request.body));
  }
  const expectsContinue = Object.entries(headers).some(([name, value]) => name.toLowerCase() === "expect" && String(value).toLowerCase() === "100-continue");
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: hostname,
        port,
        method: request.method ?? "GET",
        path: request.path,
        headers,
        localAddress: request.localAddress,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: any = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    const body = request.body;
    if (body === undefined) outgoing.end();
    else if (expectsContinue) outgoing.once("continue", () => outgoing.end(body));
    else outgoing.end(body);
  });
}

/** Sends raw bytes and returns the raw answer (for request lines Node's client refuses to build). */
export function rawSocket(site: string, bytes: string, timeoutMs = 10_000): Promise<string> {
  const { hostname, port } = new URL(site);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? resolve(answer) : reject(error)));
    socket.setTimeout(timeoutMs, () => socket.destroy());
  });
}

/** Cookies from Set-Cookie headers, as one Cookie header value. */
export function cookiesFrom(response: RawResponse, previous = ""): string {
  const jar = new Map(previous.split("; ").filter(Boolean).map((pair) => [pair.split("=")[0], pair] as const));
  for (const line of response.headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0];
    jar.set(pair.split("=")[0], pair);
  }
  return [...jar.values()].join("; ");
}

/** Signs in as the class's instructor; the session cookie, or an Error with the answer. */
export async function signInAsInstructor(site: string, password: string): Promise<string> {
  const signIn = await rawRequest(site, {
    method: "POST",
    path: "/api/session/instructor",
    headers: { origin: site, "content-type": "application/json" },
    body: JSON.stringify({ password }),
  });
  if (signIn.status !== 200) throw new Error(`instructor sign-in answered ${signIn.status}: ${signIn.text}`);
  return cookiesFrom(signIn);
}

/** Joins the class as a learner named `displayName`; their session cookie and id, or an Error with the answer. */
export async function joinClass(site: string, classCode: string, displayName: string): Promise<{ cookie: string; id: string }> {
  const joined = await rawRequest(site, {
    method: "POST",
    path: "/api/session/join",
    headers: { origin: site, "content-type": "application/json" },
    body: JSON.stringify({ classCode, displayName }),
  });
  if (joined.status !== 200) throw new Error(`joining as ${displayName} answered ${joined.status}: ${joined.text}`);
  return { cookie: cookiesFrom(joined), id: joined.json.learner.id };
}

/**
 * Runs `code` as a cell through the site, as a signed-in learner (by default as the tracking
 * example's first cell): what it printed, and the whole NDJSON answer.
 */
export async function runCellAs(site: string, cookie: string, code: string, cell = { lesson: "tracking-example", cellId: "load-data" }): Promise<{ stdout: string; all: string }> {
  const response = await rawRequest(site, {
    method: "POST",
    path: "/api/cells/run",
    headers: { origin: site, cookie, "content-type": "application/json" },
    body: JSON.stringify({ ...cell, code }),
  });
  const events = response.text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; name?: string; text?: string });
  return { stdout: events.filter((event) => event.type === "stream" && event.name === "stdout").map((event) => event.text).join(""), all: response.text };
}

/** What a cell run through /api/cells/run came to: its final status, its errors (ANSI codes removed) and what it printed. */
export type CellRunOutcome = { status: string; problems: string[]; text: string };

/** Reads the NDJSON answer of /api/cells/run (`status`: the HTTP status, for a run that never started). */
export function readCellRun(response: { status: number; text: string }): CellRunOutcome {
  const outcome: CellRunOutcome = { status: `http ${response.status}`, problems: [], text: "" };
  for (const line of response.text.split("\n").filter(Boolean)) {
    const event = JSON.parse(line);
    if (event.type === "error" || (event.type === "notice" && event.level === "error")) outcome.problems.push(JSON.stringify(event).replace(/\\u001b\[[\d;]*m/g, ""));
    if (event.type === "stream") outcome.text += event.text;
    if (event.type === "done") outcome.status = event.status;
  }
  return outcome;
}
