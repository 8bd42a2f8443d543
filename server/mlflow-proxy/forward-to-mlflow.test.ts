import { describe, expect, it } from "vitest";
import { FairQueue } from "./fair-queue";
import { forwardToMlflow } from "./forward-to-mlflow";

type Seen = { url: string; init: RequestInit & { headers: Headers } };

function recordingFetch(response: () => Response = () => new Response("ok")) {
  const seen: Seen[] = [];
  const fetchFn = (async (url: URL | string, init: RequestInit) => {
    seen.push({ url: String(url), init: init as Seen["init"] });
    return response();
  }) as typeof fetch;
  return { seen, fetchFn };
}

const mlflowUrl = "http://127.0.0.1:5000";

describe("forwardToMlflow", () => {
  it("strips the prefix, keeps the query and hides browser-only headers from MLflow", async () => {
    const { seen, fetchFn } = recordingFetch();
    const request = new Request("http://course.example:3000/mlflow/ajax-api/2.0/mlflow/runs/get?run_id=abc", {
      headers: {
        host: "course.example:3000",
        origin: "http://course.example:3000",
        cookie: "session=secret",
        "x-mlflow-workspace": "someone-else",
        accept: "application/json",
      },
    });
    await forwardToMlflow(request, "/ajax-api/2.0/mlflow/runs/get", { mlflowUrl, fetchFn });
    expect(seen[0].url).toBe("http://127.0.0.1:5000/ajax-api/2.0/mlflow/runs/get?run_id=abc");
    const headers = seen[0].init.headers;
    expect(headers.get("origin")).toBeNull();
    expect(headers.get("cookie")).toBeNull();
    expect(headers.get("host")).toBeNull();
    expect(headers.get("x-mlflow-workspace")).toBeNull();
    expect(headers.get("accept")).toBe("application/json");
  });

  it("adds the headers the course chooses", async () => {
    const { seen, fetchFn } = recordingFetch();
    const request = new Request("http://localhost:3000/mlflow/api/2.0/mlflow/experiments/search", {
      headers: { "x-mlflow-workspace": "forged" },
    });
    await forwardToMlflow(request, "/api/2.0/mlflow/experiments/search", {
      mlflowUrl,
      fetchFn,
      extraHeaders: { "x-mlflow-workspace": "learner-a" },
    });
    expect(seen[0].init.headers.get("x-mlflow-workspace")).toBe("learner-a");
  });

  it("refuses a state-changing request from another origin", async () => {
    const { seen, fetchFn } = recordingFetch();
    const request = new Request("http://localhost:3000/mlflow/ajax-api/2.0/mlflow/experiments/create", {
      method: "POST",
      headers: { host: "localhost:3000", origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    const response = await forwardToMlflow(request, "/ajax-api/2.0/mlflow/experiments/create", { mlflowUrl, fetchFn });
    expect(response.status).toBe(403);
    expect(seen).toHaveLength(0);
  });

  it("sends a same-origin POST body with a known length", async () => {
    const { seen, fetchFn } = recordingFetch();
    const request = new Request("http://localhost:3000/mlflow/ajax-api/2.0/mlflow/experiments/create", {
      method: "POST",
      headers: { host: "localhost:3000", origin: "http://localhost:3000", "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    await forwardToMlflow(request, "/ajax-api/2.0/mlflow/experiments/create", { mlflowUrl, fetchFn });
    expect(new TextDecoder().decode(seen[0].init.body as ArrayBuffer)).toBe('{"name":"x"}');
  });

  it("answers 502 in JSON for API calls and in HTML for pages when MLflow is down", async () => {
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as typeof fetch;
    const api = await forwardToMlflow(new Request("http://localhost:3000/mlflow/api/2.0/mlflow/experiments/search"), "/api/2.0/mlflow/experiments/search", {
      mlflowUrl,
      fetchFn: refused,
    });
    expect(api.status).toBe(502);
    expect((await api.json()).message).toContain("could not reach its MLflow server (connection refused)");

    const page = await forwardToMlflow(
      new Request("http://localhost:3000/mlflow/", { headers: { accept: "text/html,application/xhtml+xml" } }),
      "/",
      { mlflowUrl, fetchFn: refused },
    );
    expect(page.status).toBe(502);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("MLflow is not reachable");
  });

  it("reaches MLflow only in its turn, and ends the turn when MLflow answers or fails", async () => {
    const queue = new FairQueue(1);
    const held = await queue.acquire("someone");
    const { seen, fetchFn } = recordingFetch();
    const waitTurn = (signal: AbortSignal) => queue.acquire("ada", signal);
    const answer = forwardToMlflow(new Request("http://localhost:3000/mlflow-gate/api/2.0/mlflow/runs/get"), "/api/2.0/mlflow/runs/get", { mlflowUrl, fetchFn, waitTurn });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(0); // still waiting for its turn
    held();
    expect((await answer).status).toBe(200);
    expect(queue.size).toEqual({ active: 0, waiting: 0 });

    const refused = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect((await forwardToMlflow(new Request("http://localhost:3000/mlflow-gate/api/2.0/mlflow/runs/get"), "/api/2.0/mlflow/runs/get", { mlflowUrl, fetchFn: refused, waitTurn })).status).toBe(502);
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
  });

  it("answers 499 to a request whose client went away while it waited for its turn", async () => {
    const queue = new FairQueue(1);
    await queue.acquire("someone");
    const { seen, fetchFn } = recordingFetch();
    const controller = new AbortController();
    const answer = forwardToMlflow(new Request("http://localhost:3000/mlflow-gate/api/2.0/mlflow/runs/get", { signal: controller.signal }), "/api/2.0/mlflow/runs/get", {
      mlflowUrl,
      fetchFn,
      waitTurn: (signal) => queue.acquire("ada", signal),
    });
    controller.abort();
    expect((await answer).status).toBe(499);
    expect(seen).toHaveLength(0);
    expect(queue.size).toEqual({ active: 1, waiting: 0 });
  });

  it("rewrites upstream redirects under the mount path and passes statuses through", async () => {
    const { fetchFn } = recordingFetch(() => new Response(null, { status: 302, headers: { location: "http://127.0.0.1:5000/static-files/x" } }));
    const response = await forwardToMlflow(new Request("http://localhost:3000/mlflow/x"), "/x", { mlflowUrl, fetchFn });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/mlflow/static-files/x");
  });
});
