import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../net/free-port";
import { cookiesFrom, rawRequest, rawSocket, signInAsInstructor, type RawRequest } from "../testing/raw-http";
import { WRONG_CLASS_CODES } from "../identity/course-identity";
import { learnerToken } from "../identity/learner-token";
import { loadSessionSecret } from "../identity/secrets";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

/**
 * The attacks a curious learner tried on a classroom course (issue 11), each
 * replayed against a real course (the site behind its own entry point, MLflow
 * with workspaces, Jupyter) and shown to fail now. Bob is the attacker, Alice
 * the victim.
 */
describe("a classroom course under attack", () => {
  let course: TempCourse;
  let site: string;
  let mlflowUrl: string;
  let alice: { cookie: string; workspace: string };
  let bob: { cookie: string; workspace: string; id: string };
  let instructorCookie: string;
  let decoyPort: number;
  const decoyHits: string[] = [];
  let decoy: http.Server;

  const as = (cookie: string, request: RawRequest) =>
    rawRequest(site, { ...request, headers: { origin: site, ...(cookie ? { cookie } : {}), ...(request.headers ?? {}) } });

  async function workspacesOnMlflow(): Promise<string[]> {
    const response = await fetch(`${mlflowUrl}/api/3.0/mlflow/workspaces`);
    return ((await response.json()) as { workspaces: { name: string }[] }).workspaces.map((w) => w.name);
  }

  async function join(name: string, code: string) {
    const response = await rawRequest(site, {
      method: "POST",
      path: "/api/session/join",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ classCode: code, displayName: name }),
    });
    expect(response.status, response.text).toBe(200);
    const cookie = cookiesFrom(response);
    const list = await as(cookie, { path: "/mlflow/api/3.0/mlflow/workspaces" });
    return { cookie, workspace: list.json.workspaces[0].name as string, id: response.json.learner.id as string };
  }

  beforeAll(async () => {
    // What answers on the lessons' model-server port is somebody else's server (Alice's, say).
    decoyPort = await findFreePort();
    decoy = http.createServer((request, response) => {
      decoyHits.push(`${request.method} ${request.url}`);
      response.setHeader("content-type", "application/json");
      response.end(request.url === "/ping" ? "{}" : JSON.stringify({ predictions: [0, 0] }));
    });
    await new Promise<void>((resolve) => decoy.listen(decoyPort, "127.0.0.1", resolve));

    course = await startTempCourse(["mlflow", "jupyter", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "teach-me-mlflow-today",
      MODEL_SERVER_PORTS: `${decoyPort}-${decoyPort}`,
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    mlflowUrl = course.config.mlflow.url;
    instructorCookie = await signInAsInstructor(site, "teach-me-mlflow-today");
    const code = (await as(instructorCookie, { path: "/api/instructor/class" })).json.classCode as string;
    alice = await join("Alice", code);
    bob = await join("Bob", code);
  });
  afterAll(async () => {
    await course?.stop();
    await new Promise((resolve) => decoy?.close(resolve));
  });

  describe("the /mlflow/ path rule: decoded and normalized once, then an allow-list", () => {
    const ownList = "own workspace only";
    // [method, path after /mlflow/, expected status, what the answer must be]
    const table = (): [string, string, number, string?][] => [
      ["GET", "api/3.0/mlflow/workspaces", 200, ownList],
      ["GET", "api/3.0/mlflow%2Fworkspaces", 200, ownList],
      ["GET", "api/3.0/mlflow%2fworkspaces", 200, ownList],
      ["GET", "%61pi/3.0/mlflow/workspaces", 200, ownList],
      ["GET", "api/3.0/mlflow/w%6Frkspaces", 200, ownList],
      ["GET", "ajax-api/3.0/mlflow%2fworkspaces", 200, ownList],
      ["GET", "api%2F3.0%2Fmlflow%2Fworkspaces", 200, ownList],
      ["GET", "api/3.0/mlflow/workspaces/", 200, ownList],
      ["GET", "api/3.0/mlflow/./workspaces", 200, ownList],
      ["GET", "api/3.0/mlflow/x/../workspaces", 200, ownList],
      ["GET", "api/3.0/mlflow/x/%2e%2e/workspaces", 200, ownList],
      ["GET", "api/3.0/mlflow/x%2F..%2Fworkspaces", 200, ownList],
      ["GET", `api/3.0/mlflow/workspaces?workspace=${alice.workspace}`, 200, ownList],
      ["GET", "api/3.0/mlflow%252Fworkspaces", 400],
      ["GET", "%2561pi/3.0/mlflow/workspaces", 400],
      ["GET", "api/3.0/mlflow/workspaces%00", 400],
      ["GET", "api/3.0/mlflow/workspaces%E0%A4%A", 400],
      ["GET", "api/3.0/mlflow/workspaces;x=1", 400],
      ["GET", "api/3.0/mlflow;/workspaces", 400],
      ["GET", "api/3.0/mlflow/workspaces%3Bx", 400],
      ["GET", "API/3.0/mlflow/workspaces", 404],
      ["GET", "api/3.0/MLFLOW/workspaces", 404],
      ["GET", "api/3.0/mlflow/Workspaces", 404],
      ["GET", "api//3.0/mlflow/workspaces", 308],
      ["GET", "api\\3.0\\mlflow\\workspaces", 308],
      ["GET", `api/3.0/mlflow/workspaces/${alice.workspace}`, 403],
      ["GET", `api/3.0/mlflow%2Fworkspaces%2F${alice.workspace}`, 403],
      ["GET", `api/3.0/mlflow/workspaces/${bob.workspace}`, 200, "own workspace"],
      ["DELETE", `api/3.0/mlflow%2Fworkspaces/${alice.workspace}?mode=CASCADE`, 403],
      ["DELETE", `%61pi/3.0/mlflow/workspaces/${alice.workspace}?mode=CASCADE`, 403],
      ["DELETE", `api/3.0/mlflow/workspaces/${bob.workspace}`, 403],
      ["PATCH", `ajax-api/3.0/mlflow/w%6Frkspaces/${alice.workspace}`, 403],
      ["POST", "api/3.0/mlflow%2Fworkspaces", 403],
      ["POST", "ajax-api/3.0/mlflow/workspaces/", 403],
      ["GET", "..%2f..%2fapi/instructor/class", 400],
      ["GET", "static-files/..%2f..%2f..%2fmlflow.db", 400],
      ["GET", "static-files/..%2f..%2fapi/instructor/class", 404],
      ["GET", "api/2.0/mlflow/webhooks", 404],
      ["POST", "api/2.0/mlflow/webhooks", 404],
      ["GET", "ajax-api/3.0/mlflow/gateway/secrets/list", 404],
      ["POST", "ajax-api/3.0/mlflow/demo/generate", 404],
      ["GET", "api/2.0/mlflow/experiments/search?max_results=5", 200, "experiments"],
      ["GET", "api%2F2.0%2Fmlflow%2Fexperiments%2Fsearch?max_results=5", 200, "experiments"],
      ["GET", "", 200, "the UI"],
    ];

    it("holds for every spelling in the table (at least 30), with MLflow's workspaces untouched", async () => {
      const before = await workspacesOnMlflow();
      expect(before).toEqual(expect.arrayContaining([alice.workspace, bob.workspace]));
      const rows = table();
      expect(rows.length).toBeGreaterThanOrEqual(30);
      const wrong: string[] = [];
      for (const [method, path, status, answer] of rows) {
        const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify({ name: "learner-evil", default_artifact_root: "/tmp/evil" });
        const response = await as(bob.cookie, {
          method,
          path: `/mlflow/${path}`,
          body,
          headers: { "x-mlflow-workspace": alice.workspace, ...(body ? { "content-type": "application/json" } : {}) },
        });
        let ok = response.status === status;
        if (ok && answer === ownList) ok = JSON.stringify(response.json) === JSON.stringify({ workspaces: [{ name: bob.workspace }] });
        if (ok && answer === "own workspace") ok = response.json?.workspace?.name === bob.workspace;
        if (ok && answer === "experiments") ok = !response.text.includes(alice.workspace);
        if (ok && answer === "the UI") ok = response.text.includes("<html");
        if (ok && response.status >= 400) ok = !response.text.includes(alice.workspace) || path.includes(alice.workspace);
        if (!ok) wrong.push(`${method} /mlflow/${path}: ${response.status} (wanted ${status}${answer ? `, ${answer}` : ""}) ${response.text.slice(0, 160)}`);
      }
      expect(wrong).toEqual([]);
      expect(await workspacesOnMlflow()).toEqual(before);
    });

    it("still serves the learner's own MLflow through the UI's routes", async () => {
      const created = await as(bob.cookie, {
        method: "POST",
        path: "/mlflow/ajax-api/2.0/mlflow/experiments/create",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Bob-Experiment" }),
      });
      expect(created.status).toBe(200);
      const got = await as(bob.cookie, { path: `/mlflow/ajax-api/2.0/mlflow/experiments/get?experiment_id=${created.json.experiment_id}` });
      expect(got.json.experiment.workspace).toBe(bob.workspace);
      const byAlice = await as(alice.cookie, { path: `/mlflow/ajax-api/2.0/mlflow/experiments/get?experiment_id=${created.json.experiment_id}` });
      expect(byAlice.status).toBe(404);
    });
  });

  describe("request bodies are capped while they stream", () => {
    function sitePid(): number {
      for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
          const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
          if (cmdline.includes("scripts/site.ts") && environ.includes(course.dataDir)) return Number(entry);
        } catch {
          // gone while we looked
        }
      }
      throw new Error("the site process was not found");
    }
    const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

    /**
     * Streams `totalBytes` of filler as a chunked body (no Content-Length) on a bare socket, and
     * stops once the server answers; resolves with the answer's status and the bytes sent. A bare
     * socket, because an HTTP client drops an answer that arrives while its own write fails.
     */
    function streamChunked(path: string, totalBytes: number): Promise<{ status: number; sent: number }> {
      const { port } = new URL(site);
      return new Promise((resolve, reject) => {
        let sent = 0;
        let answer = "";
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          socket.destroy();
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
          resolve({ status, sent });
        };
        const socket = net.connect(Number(port), "127.0.0.1", () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${site}\r\nCookie: ${bob.cookie}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
          );
          const chunk = Buffer.concat([Buffer.from("10000\r\n"), Buffer.alloc(0x10000, 0x20), Buffer.from("\r\n")]);
          const pump = () => {
            while (!done && !answer && sent < totalBytes) {
              sent += 0x10000;
              if (!socket.write(chunk)) return void socket.once("drain", pump);
            }
            if (!done && !answer) socket.write("0\r\n\r\n");
          };
          pump();
        });
        socket.setEncoding("latin1");
        socket.on("data", (data: string) => {
          answer += data;
          if (answer.includes("\r\n\r\n")) finish();
        });
        socket.on("error", (error: NodeJS.ErrnoException) => (answer ? finish() : ["EPIPE", "ECONNRESET"].includes(error.code ?? "") ? finish() : reject(error)));
        socket.on("close", finish);
      });
    }

    it("answers 413 to a 400 MB chunked join without buffering it (the site's memory stays flat)", async () => {
      const pid = sitePid();
      const before = rssMb(pid);
      const result = await streamChunked("/api/session/join", 400_000_000);
      expect(result.status).toBe(413);
      // The cap is 1 MB; what was sent before the answer arrived is a few socket buffers.
      expect(result.sent).toBeLessThan(100_000_000);
      expect(rssMb(pid) - before).toBeLessThan(100);
    });

    it("keeps the gate's door on the public port too: a learner's 17th request in any spelling, or a forged token, is refused before its body", async () => {
      const { port } = new URL(site);
      const token = learnerToken(loadSessionSecret(course.dataDir), bob.id);
      const sockets: net.Socket[] = [];
      /** Headers and 1 KB of a declared 1 MB body; resolves with the status line, or "waiting" when nothing came within `waitMs`. */
      const begin = (path: string, authorization: string, waitMs: number) =>
        new Promise<string>((resolve) => {
          const socket = net.connect(Number(port), "127.0.0.1", () =>
            socket.write(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${authorization ? `Authorization: ${authorization}\r\n` : ""}Content-Length: 1000000\r\n\r\n${"x".repeat(1024)}`),
          );
          sockets.push(socket);
          let answer = "";
          socket.on("data", (chunk: Buffer) => {
            answer += chunk.toString("latin1");
            if (answer.includes("\r\n")) resolve(answer.split("\r\n")[0]);
          });
          socket.on("error", () => resolve("error"));
          setTimeout(() => resolve("waiting"), waitMs);
        });
      const upload = "/mlflow-gate/api/2.0/mlflow-artifacts/artifacts/0/door.bin";
      try {
        const inside = await Promise.all(Array.from({ length: 16 }, () => begin(upload, `Bearer ${token}`, 1_500)));
        expect(inside.filter((status) => status === "waiting"), inside.join(", ")).toHaveLength(16);
        for (const spelling of ["/%6Dlflow-gate/api/2.0/mlflow/experiments/search", "/MLflow-Gate/api/2.0/mlflow/experiments/search", upload]) {
          expect(await begin(spelling, `Bearer ${token}`, 5_000), spelling).toBe("HTTP/1.1 429 Too Many Requests");
        }
        expect(await begin(upload, `Bearer ${bob.id}.forged`, 5_000)).toBe("HTTP/1.1 401 Unauthorized");
        expect(await begin(upload, "", 5_000)).toBe("HTTP/1.1 401 Unauthorized");
      } finally {
        for (const socket of sockets) socket.destroy();
      }
      // The door lets the learner in again once those requests are gone.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await rawRequest(site, { path: "/mlflow-gate/api/2.0/mlflow/experiments/search?max_results=1", headers: { authorization: `Bearer ${token}` } });
      expect(after.status, after.text).toBe(200);
    });

    it("caps the proxy's bodies too, chunked or with a Content-Length, and refuses before the body with Expect", async () => {
      const proxied = await streamChunked("/mlflow/api/2.0/mlflow/experiments/create", 200_000_000);
      expect(proxied.status).toBe(413);
      const declared = await rawSocket(
        site,
        `POST /api/session/join HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${site}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n`,
      );
      expect(declared).toMatch(/^HTTP\/1\.1 413/);
      expect(declared).not.toContain("100 Continue");
    });

    it("forwards a small body sent with Expect: 100-continue (curl does this for uploads)", async () => {
      const response = await as(bob.cookie, {
        method: "POST",
        path: "/mlflow/api/2.0/mlflow/experiments/create",
        headers: { "content-type": "application/json", expect: "100-continue" },
        body: JSON.stringify({ name: "Expect-Continue" }),
      });
      expect(response.status, response.text).toBe(200);
      expect(response.json.experiment_id).toBeTruthy();
    });

    it("takes an artifact upload larger than the API cap through the proxy", async () => {
      const experiment = await as(bob.cookie, {
        method: "POST",
        path: "/mlflow/api/2.0/mlflow/experiments/create",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Uploads" }),
      });
      const run = await as(bob.cookie, {
        method: "POST",
        path: "/mlflow/api/2.0/mlflow/runs/create",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ experiment_id: experiment.json.experiment_id }),
      });
      const artifactUri: string = run.json.run.info.artifact_uri;
      const artifactPath = artifactUri.replace(/^mlflow-artifacts:/, "").replace(/^\/*/, "/");
      const payload = Buffer.alloc(3_000_000, 0x61);
      const upload = await as(bob.cookie, {
        method: "PUT",
        path: `/mlflow/api/2.0/mlflow-artifacts/artifacts${artifactPath}/big.txt`,
        headers: { "content-type": "text/plain", expect: "100-continue" },
        body: payload,
      });
      expect(upload.status, upload.text).toBe(200);
      const back = await as(bob.cookie, { path: `/mlflow/get-artifact?path=big.txt&run_uuid=${run.json.run.info.run_id}` });
      expect(back.text.length).toBe(payload.length);
    });
  });

  describe("cookies, CSRF and forged addresses", () => {
    it("answers a cookie with broken %-encoding with 401 (never 500) on pages, APIs and /mlflow/", async () => {
      for (const path of ["/api/model-server", "/api/instructor/class", "/mlflow/", "/mlflow/api/2.0/mlflow/experiments/search", "/lessons/tracking-example", "/"]) {
        const response = await rawRequest(site, { path, headers: { cookie: "course_session=%E0%A4%A; other=%" } });
        expect(response.status, path).toBeLessThan(500);
        expect([401, 307, 303, 302], path).toContain(response.status);
      }
    });

    it("refuses state changes on /mlflow/ without an Origin, or from another site", async () => {
      const create = (headers: Record<string, string>) =>
        rawRequest(site, {
          method: "POST",
          path: "/mlflow/api/2.0/mlflow/experiments/create",
          headers: { cookie: bob.cookie, "content-type": "application/json", ...headers },
          body: JSON.stringify({ name: `csrf-${Object.keys(headers).join("-") || "none"}` }),
        });
      expect((await create({})).status).toBe(403);
      expect((await create({ "sec-fetch-site": "cross-site" })).status).toBe(403);
      expect((await create({ origin: "http://evil.example" })).status).toBe(403);
      const search = await as(bob.cookie, {
        method: "POST",
        path: "/mlflow/api/2.0/mlflow/experiments/search",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ max_results: 100 }),
      });
      expect(search.json.experiments.map((e: { name: string }) => e.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^csrf-/)]));
    });

    it("never believes a client-sent address header for the entry point's client address", async () => {
      // The header the entry point sets is replaced, whatever the client sends; a guess counted
      // against a forged address would let one client spread guesses over many.
      const forged = { "x-course-client-address": "203.0.113.7", "x-forwarded-for": "203.0.113.8" };
      // A room's limit is high (WRONG_CLASS_CODES), so the guesses go in concurrent batches.
      const batch = 25;
      for (let sent = 0; sent < WRONG_CLASS_CODES.limit; sent += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, WRONG_CLASS_CODES.limit - sent) }, (_, i) =>
            rawRequest(site, {
              method: "POST",
              path: "/api/session/join",
              localAddress: "127.0.0.9",
              headers: { origin: site, "content-type": "application/json", ...forged, "x-forwarded-for": `198.51.${(sent + i) >> 8}.${(sent + i) & 255}` },
              body: JSON.stringify({ classCode: "WRONG-CODE-X", displayName: "Mallory" }),
            }),
          ),
        );
      }
      const blocked = await rawRequest(site, {
        method: "POST",
        path: "/api/session/join",
        localAddress: "127.0.0.9",
        headers: { origin: site, "content-type": "application/json", "x-forwarded-for": "198.51.100.200" },
        body: JSON.stringify({ classCode: "WRONG-CODE-X", displayName: "Mallory" }),
      });
      expect(blocked.status).toBe(429);
      const elsewhere = await rawRequest(site, {
        method: "POST",
        path: "/api/session/join",
        localAddress: "127.0.0.10",
        headers: { origin: site, "content-type": "application/json", ...forged },
        body: JSON.stringify({ classCode: "WRONG-CODE-X", displayName: "Mallory" }),
      });
      expect(elsewhere.status).toBe(403);
    });
  });

  describe("grading uses only the learner's own things", () => {
    it("fails the serving check with 'start your model server' and never calls another learner's port", async () => {
      decoyHits.length = 0;
      const check = await as(bob.cookie, { method: "POST", path: "/api/exercises/model-serving/check", headers: { "content-type": "application/json" }, body: "{}" });
      expect(check.status, check.text).toBe(200);
      const ping = check.json.report.checks.find((c: { id: string }) => c.id === "server-answers-ping");
      expect(ping.status).toBe("failed");
      expect(ping.message).toMatch(/start your model server/i);
      expect(check.json.report.status).not.toBe("passed");
      expect(decoyHits).toEqual([]);
    });
  });
});
