import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { createLearnerWorkspace, createWorkspace, newWorkspaceName } from "./workspaces";

/** MLflow's workspace API as far as creating goes: 400 RESOURCE_ALREADY_EXISTS for a name it has. */
describe("learner workspaces", () => {
  const existing = new Set<string>();
  const asked: string[] = [];
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const { name } = JSON.parse(body) as { name: string };
        asked.push(name);
        response.setHeader("content-type", "application/json");
        if (existing.has(name)) {
          response.statusCode = 400;
          response.end(JSON.stringify({ error_code: "RESOURCE_ALREADY_EXISTS", message: `Workspace '${name}' already exists.` }));
          return;
        }
        existing.add(name);
        response.end(JSON.stringify({ workspace: { name } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("get unpredictable names MLflow accepts", () => {
    const names = Array.from({ length: 50 }, () => newWorkspaceName("0a1b2c3d4e"));
    for (const name of names) {
      expect(name).toMatch(/^learner-0a1b2c3d4e-[0-9a-f]{12}$/);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).not.toContain("--");
    }
    expect(new Set(names).size).toBe(50);
    expect(() => newWorkspaceName("../x")).toThrow();
  });

  it("report a name MLflow already has as taken, never as created", async () => {
    expect(await createWorkspace(url, "learner-aa-000000000001")).toBe("created");
    expect(await createWorkspace(url, "learner-aa-000000000001")).toBe("exists");
  });

  it("never reuse a workspace that exists: one more random name, then a clear error", async () => {
    existing.add("learner-bb-taken0000001");
    const names = ["learner-bb-taken0000001", "learner-bb-fresh0000001"];
    expect(await createLearnerWorkspace(url, "bb", () => names.shift()!)).toBe("learner-bb-fresh0000001");

    existing.add("learner-cc-taken0000001").add("learner-cc-taken0000002");
    const taken = ["learner-cc-taken0000001", "learner-cc-taken0000002"];
    const failure = await createLearnerWorkspace(url, "cc", () => taken.shift()!).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).status).toBe(409);
    expect((failure as AppError).message).toContain("learner-cc-taken0000001 and learner-cc-taken0000002");
    expect((failure as AppError).message).toContain("will not reuse them");
  });

  it("say so when MLflow cannot be reached", async () => {
    await expect(createWorkspace("http://127.0.0.1:1", "learner-dd-000000000001")).rejects.toMatchObject({ code: "mlflow_unreachable" });
  });
});
