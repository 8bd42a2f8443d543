import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { directRoute, type WebRouteHandler } from "./direct-route";
import { createSiteServer } from "./site-entry";

const limits = { apiBytes: 1_000, mlflowBytes: 5_000, mlflowUploadBytes: 50_000 };

describe("a route answered by the entry point itself", () => {
  let server: http.Server | undefined;
  let port = 0;
  const nextJs: string[] = [];
  afterEach(async () => {
    nextJs.length = 0;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** The site as scripts/site.ts builds it: the entry point, the direct route, then "Next.js" (which records what reached it). */
  async function site(handler: WebRouteHandler) {
    const direct = directRoute("POST", "/api/cells/run", handler);
    server = createSiteServer({ limits, classroom: { trustedProxies: "none" } } as never, (request, response) => {
      const answering = direct(request, response);
      if (answering) return answering;
      nextJs.push(`${request.method} ${request.url}`);
      response.end("next");
    });
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  }

  function post(path: string, body: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; chunks: string[] }>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, method: "POST", path, headers: { "content-type": "application/json", ...headers } }, (response) => {
        const chunks: string[] = [];
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, chunks }));
      });
      request.on("error", reject);
      request.end(body);
    });
  }

  it("calls the handler with the request's method, address, headers and body, and sends its answer", async () => {
    let seen: { method: string; url: string; body: string; origin: string | null; client: string | null } | undefined;
    await site(async (request) => {
      seen = { method: request.method, url: request.url, body: await request.text(), origin: request.headers.get("origin"), client: request.headers.get("x-course-client-address") };
      const headers = new Headers({ "content-type": "application/json", "x-answer": "yes" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response(JSON.stringify({ ok: true }), { status: 201, headers });
    });
    const answer = await post("/api/cells/run?x=1", '{"code":"print(1)"}', { origin: "http://course.example", "x-course-client-address": "forged" });
    expect(answer.status).toBe(201);
    expect(answer.chunks.join("")).toBe('{"ok":true}');
    expect(answer.headers["x-answer"]).toBe("yes");
    expect(answer.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(seen).toMatchObject({ method: "POST", body: '{"code":"print(1)"}', origin: "http://course.example" });
    expect(seen?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/cells\/run\?x=1$/);
    // The client's own claim about its address is the entry point's to replace, not the route's to read.
    expect(seen?.client).toBe("127.0.0.1");
    expect(nextJs).toEqual([]);
  });

  it("leaves every other request to Next.js", async () => {
    await site(async () => new Response("direct"));
    expect((await post("/api/cells/run/other", "{}")).chunks.join("")).toBe("next");
    expect((await post("/api/kernel", "{}")).chunks.join("")).toBe("next");
    await new Promise<void>((resolve, reject) => http.get({ host: "127.0.0.1", port, path: "/api/cells/run" }, (r) => r.resume().on("end", resolve)).on("error", reject));
    expect(nextJs).toEqual(["POST /api/cells/run/other", "POST /api/kernel", "GET /api/cells/run"]);
  });

  it("streams the answer as the handler produces it, a chunk at a time", async () => {
    let release: () => void = () => {};
    const later = new Promise<void>((resolve) => (release = resolve));
    await site(async () => {
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode("first\n"));
          await later;
          controller.enqueue(new TextEncoder().encode("second\n"));
          controller.close();
        },
      });
      return new Response(stream, { headers: { "content-type": "application/x-ndjson" } });
    });
    const firstChunk = new Promise<string>((resolve) => {
      http
        .request({ host: "127.0.0.1", port, method: "POST", path: "/api/cells/run" }, (response) => response.setEncoding("utf8").once("data", resolve))
        .end("{}");
    });
    // The first line arrives while the handler is still waiting to write the second.
    expect(await firstChunk).toBe("first\n");
    release();
  });

  it("cancels the handler's stream when the client goes away mid-answer", async () => {
    let cancelled = false;
    await site(async () => new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode("x")), cancel: () => void (cancelled = true) })));
    await new Promise<void>((resolve) => {
      const request = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/cells/run" }, (response) =>
        response.once("data", () => {
          request.destroy();
          resolve();
        }),
      );
      request.on("error", () => undefined);
      request.end("{}");
    });
    await expect.poll(() => cancelled, { timeout: 2000 }).toBe(true);
  });

  it("answers 500 with a plain message, never the error, when the handler throws", async () => {
    await site(async () => {
      throw new Error("secret internals");
    });
    const answer = await post("/api/cells/run", "{}");
    expect(answer.status).toBe(500);
    expect(answer.chunks.join("")).not.toContain("secret");
    expect(JSON.parse(answer.chunks.join("")).error.code).toBe("internal");
  });

  it("keeps the entry point's 413 for a body over the cap: the handler's answer is not sent after it", async () => {
    let handled = false;
    await site(async (request) => {
      await request.text().catch(() => "");
      handled = true;
      return new Response("too late", { status: 400 });
    });
    const answer = await post("/api/cells/run", JSON.stringify({ code: "x".repeat(5_000) }), { "transfer-encoding": "chunked" });
    expect(answer.status).toBe(413);
    expect(answer.chunks.join("")).toContain("payload_too_large");
    expect(answer.chunks.join("")).not.toContain("too late");
    await expect.poll(() => handled).toBe(true);
  });

  it("builds the request's address even from a Host header that is no host name", async () => {
    let url = "";
    await site(async (request) => {
      url = request.url;
      return new Response("ok");
    });
    const socket = net.connect(port, "127.0.0.1");
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (data) => (text += data.toString()));
      socket.on("end", () => resolve(text));
      socket.write("POST /api/cells/run HTTP/1.1\r\nHost: a b/c\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(url).toBe("http://localhost/api/cells/run");
  });
});
