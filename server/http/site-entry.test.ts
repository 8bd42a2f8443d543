import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSiteServer } from "./site-entry";

const limits = { apiBytes: 1_000, mlflowBytes: 5_000, mlflowUploadBytes: 50_000 };

describe("the course's entry point", () => {
  let server: http.Server | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it("answers 413 to a body over the cap and keeps the connection a while, so a client still sending reads the answer", async () => {
    server = createSiteServer({ limits, classroom: { trustedProxies: "none" } } as never, (request, response) => {
      request.on("data", () => {});
      request.on("end", () => response.end("read it all"));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
    sockets.push(socket);
    // A client that keeps sending, as an upload does, whatever the server says.
    const chunk = Buffer.concat([Buffer.from("400\r\n"), Buffer.alloc(0x400, 0x20), Buffer.from("\r\n")]);
    let closedAt = 0;
    socket.on("close", () => (closedAt = Date.now()));
    socket.on("error", () => undefined);
    socket.write("POST /api/session/join HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
    const sending = setInterval(() => socket.destroyed || socket.write(chunk), 5);
    try {
      const answer = await new Promise<string>((resolve) => {
        let text = "";
        socket.on("data", (data) => {
          text += data.toString("latin1");
          if (text.includes("\r\n\r\n")) resolve(text);
        });
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
      expect(answer.toLowerCase()).toContain("connection: close");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(closedAt, "not closed (which would reset a client still sending) within a second of the answer").toBe(0);
    } finally {
      clearInterval(sending);
    }
  });
});
