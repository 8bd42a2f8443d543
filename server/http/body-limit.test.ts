import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { bodyLimitFor, capStreamingBody } from "./body-limit";

const limits = { apiBytes: 1_000, mlflowBytes: 5_000, mlflowUploadBytes: 50_000 };

describe("bodyLimitFor", () => {
  it("picks the cap from the path", () => {
    expect(bodyLimitFor("/api/session/join", limits)).toBe(1_000);
    expect(bodyLimitFor("/mlflow/api/2.0/mlflow/runs/log-batch", limits)).toBe(5_000);
    expect(bodyLimitFor("/mlflow/api/2.0/mlflow-artifacts/artifacts/1/x.csv", limits)).toBe(50_000);
    expect(bodyLimitFor("/mlflow/%61pi/2.0/mlflow-artifacts/artifacts/1/x.csv?x=1", limits)).toBe(50_000);
  });
});

describe("capStreamingBody", () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server that reads every body chunk it is given, as Next.js does. */
  async function start(limit: number): Promise<{ port: number; received: () => number }> {
    let received = 0;
    server = http.createServer((request, response) => {
      capStreamingBody(request, limit, () => {
        response.writeHead(413, { connection: "close" });
        response.end("too large");
      });
      request.on("data", (chunk: Buffer) => (received += chunk.length));
      request.on("end", () => response.end(`ok ${received}`));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { port: (server!.address() as { port: number }).port, received: () => received };
  }

  function post(port: number, chunks: number, size: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request({ port, host: "127.0.0.1", method: "POST", headers: { "transfer-encoding": "chunked" } }, (response) => {
        let text = "";
        response.on("data", (c) => (text += c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on("error", reject);
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          sent += 1;
          if (!request.write(Buffer.alloc(size, 1))) return void request.once("drain", pump);
        }
        request.end();
      };
      pump();
    });
  }

  it("lets a body under the cap through whole", async () => {
    const { port } = await start(10_000);
    expect(await post(port, 5, 1000)).toEqual({ status: 200, text: "ok 5000" });
  });

  it("stops a chunked body at the cap: the reader never sees more than the cap", async () => {
    const { port, received } = await start(10_000);
    const answer = await post(port, 20, 1000).catch(() => ({ status: 413, text: "" }));
    expect(answer.status).toBe(413);
    expect(received()).toBeLessThanOrEqual(10_000);
  });
});
