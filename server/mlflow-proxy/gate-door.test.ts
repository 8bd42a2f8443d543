import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSiteServer } from "../http/site-entry";
import { learnerFromAuthorization, learnerToken } from "../identity/learner-token";
import { GateDoor, isGateRequest } from "./gate-door";
import { waitUntil } from "@/lib/process/wait-until";

const secret = crypto.randomBytes(32);
const learnerOf = (authorization: string | undefined) => learnerFromAuthorization(secret, authorization);
const bearer = (learnerId: string) => ({ headers: { authorization: `Bearer ${learnerToken(secret, learnerId)}` } });

describe("GateDoor", () => {
  it("refuses a request without a token the course issued", () => {
    const door = new GateDoor(learnerOf, 2);
    for (const authorization of [undefined, "Bearer", "Basic abc", "Bearer ada.forged", `Bearer ${learnerToken(secret, "ada")}x`]) {
      const answer = door.admit({ headers: { authorization } });
      expect(answer, String(authorization)).toMatchObject({ admitted: false, status: 401 });
    }
  });

  it("lets each learner have a few requests inside at once, counted apart, until they leave", () => {
    const door = new GateDoor(learnerOf, 2);
    const first = door.admit(bearer("ada"));
    const second = door.admit(bearer("ada"));
    expect(first.admitted && second.admitted).toBe(true);
    const third = door.admit(bearer("ada"));
    expect(third).toMatchObject({ admitted: false, status: 429 });
    expect(third.admitted ? "" : third.body.message).toMatch(/2 requests to MLflow in progress/);
    expect(door.admit(bearer("bob")).admitted, "another learner is counted apart").toBe(true);

    if (first.admitted) {
      first.release();
      first.release(); // a second release changes nothing
    }
    expect(door.insideFor("ada")).toBe(1);
    expect(door.admit(bearer("ada")).admitted).toBe(true);
    expect(door.admit(bearer("ada")).admitted).toBe(false);
  });
});

describe("isGateRequest", () => {
  it("knows the gate in any spelling Next.js might route there", () => {
    for (const url of ["/mlflow-gate/api/2.0/mlflow/runs/get?run_id=1", "/mlflow-gate", "/MLflow-Gate/api/x", "/%6Dlflow-gate/api/x", "/mlflow%2Dgate/x"]) {
      expect(isGateRequest(url), url).toBe(true);
    }
    for (const url of ["/mlflow/api/2.0/mlflow/runs/get", "/mlflow-gateway/x", "/api/health", "/%E0%A4%A/mlflow-gate"]) {
      expect(isGateRequest(url), url).toBe(false);
    }
  });
});

describe("the entry point with the gate's door", () => {
  let server: http.Server | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** A site whose gate reads every body to the end before answering, as Next.js does. */
  async function start(perLearner: number): Promise<{ port: number; door: GateDoor; bodyBytes: () => number }> {
    const door = new GateDoor(learnerOf, perLearner);
    let bodyBytes = 0;
    const limits = { apiBytes: 1_000, mlflowBytes: 100_000, mlflowUploadBytes: 1_000_000 };
    server = createSiteServer({ limits, classroom: { trustedProxies: [] } } as never, (request, response) => {
      request.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
      request.on("end", () => response.end("answered"));
    }, { door: (request) => (isGateRequest(request.url ?? "/") ? door.admit(request) : null) });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { port: (server!.address() as net.AddressInfo).port, door, bodyBytes: () => bodyBytes };
  }

  /** Sends a request's headers and the first part of its body, then waits for whatever comes back first. */
  function beginUpload(port: number, headers: Record<string, string>, declared: number, firstPart: number): { socket: net.Socket; reply: Promise<string> } {
    const socket = net.connect(port, "127.0.0.1");
    sockets.push(socket);
    const head = Object.entries({ host: "localhost", "content-length": String(declared), ...headers }).map(([key, value]) => `${key}: ${value}\r\n`).join("");
    socket.write(`PUT /mlflow-gate/api/2.0/mlflow-artifacts/artifacts/1/model.pkl HTTP/1.1\r\n${head}\r\n`);
    socket.write(Buffer.alloc(firstPart, 120));
    const reply = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        if (/\r\n\r\n/.test(text)) resolve(text);
      });
      socket.on("close", () => resolve(text));
    });
    return { socket, reply };
  }

  it("admits a learner's first requests and refuses the rest at once, with 429, before their bodies are read", async () => {
    const { port, door, bodyBytes } = await start(3);
    const authorization = `Bearer ${learnerToken(secret, "ada")}`;
    const admitted = [0, 1, 2].map(() => beginUpload(port, { authorization }, 500_000, 1_000));
    await waitFor(() => door.insideFor("ada") === 3);

    const refused = beginUpload(port, { authorization }, 500_000, 1_000);
    const answer = await refused.reply;
    expect(answer).toMatch(/^HTTP\/1\.1 429/);
    expect(answer.toLowerCase()).toContain("retry-after: 1");
    const still = await Promise.race([admitted[0].reply, new Promise((resolve) => setTimeout(() => resolve("waiting"), 100))]);
    expect(still, "the admitted uploads are still being read").toBe("waiting");
    expect(bodyBytes(), "only the admitted requests' bodies reached the handler").toBeLessThanOrEqual(3_000);

    for (const upload of admitted) upload.socket.destroy();
    await waitFor(() => door.insideFor("ada") === 0);
    const next = beginUpload(port, { authorization }, 10, 10);
    expect(await next.reply).toMatch(/^HTTP\/1\.1 200/);
  });

  it("refuses a request without a token with 401 and keeps the connection for the next one", async () => {
    const { port, bodyBytes } = await start(3);
    const stranger = beginUpload(port, {}, 20, 20);
    const first = await stranger.reply;
    expect(first).toMatch(/^HTTP\/1\.1 401/);
    expect(first).toContain('"error_code":"UNAUTHENTICATED"');
    expect(first).toContain("MLFLOW_TRACKING_TOKEN");
    expect(bodyBytes()).toBe(0);

    // The same connection answers the next request (the refused body was read and dropped).
    const second = new Promise<string>((resolve) => {
      let text = "";
      stranger.socket.removeAllListeners("data");
      stranger.socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        if (text.includes("answered")) resolve(text);
      });
    });
    stranger.socket.write("GET /api/health HTTP/1.1\r\nhost: localhost\r\n\r\n");
    expect(await second).toMatch(/^HTTP\/1\.1 200/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  await waitUntil(condition, { timeoutMs, intervalMs: 10, probeErrors: "fail" });
}
