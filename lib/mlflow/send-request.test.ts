import { describe, expect, it } from "vitest";
import { createMlflowClient } from "./client";
import { MlflowUnavailableError } from "./mlflow-unavailable-error";

/** The client's error handling, with a fetch that answers whatever the test needs. */

type Seen = { url: URL; init: RequestInit };

function answering(status: number, body: string, seen: Seen[] = []): typeof fetch {
  return async (input, init) => {
    seen.push({ url: new URL(String(input)), init: init ?? {} });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  };
}

const client = (fetchFn: typeof fetch, extra: { timeoutMs?: number; workspace?: string } = {}) =>
  createMlflowClient({ baseUrl: "http://mlflow.test:5000/", fetch: fetchFn, ...extra });

async function failure(promise: Promise<unknown>): Promise<MlflowUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MlflowUnavailableError);
  return error as MlflowUnavailableError;
}

describe("MLflow REST client", () => {
  it("returns null for MLflow's own 404 RESOURCE_DOES_NOT_EXIST", async () => {
    const body = JSON.stringify({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Could not find experiment with name 'x'" });
    expect(await client(answering(404, body)).getExperimentByName("x")).toBeNull();
    expect(await client(answering(404, body)).getRegisteredModel("IrisModel")).toBeNull();
  });

  it("treats an empty search answer `{}` as no hits", async () => {
    expect(await client(answering(200, "{}")).searchRuns({ experimentIds: ["1"] })).toEqual({ runs: [], nextPageToken: undefined });
    expect(await client(answering(200, "{}")).searchModelVersions("IrisModel")).toEqual([]);
    expect(await client(answering(200, JSON.stringify({ root_uri: "x" }))).listArtifacts("r1", "model")).toEqual([]);
  });

  it("throws MlflowUnavailableError with the upstream status and message on 5xx", async () => {
    const error = await failure(client(answering(503, JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "database is locked" }))).getRun("r1"));
    expect(error.kind).toBe("http_error");
    expect(error.upstreamStatus).toBe(503);
    expect(error.upstreamMessage).toBe("database is locked");
    expect(error.message).toBe("MLflow at http://mlflow.test:5000 answered 503 to /api/2.0/mlflow/runs/get: database is locked");
  });

  it("throws on a 404 that is not MLflow's (a proxy or a missing route), with the page's text", async () => {
    const error = await failure(client(answering(404, "<html><body><h1>Not Found</h1></body></html>")).getLoggedModel("m-1"));
    expect(error.kind).toBe("http_error");
    expect(error.upstreamMessage).toBe("Not Found");
  });

  it("throws invalid_response for a 2xx that is not JSON or not the documented shape", async () => {
    expect((await failure(client(answering(200, "<html>login</html>")).getRun("r1"))).kind).toBe("invalid_response");
    const wrongShape = await failure(client(answering(200, JSON.stringify({ experiment: { name: 3 } }))).getExperimentByName("x"));
    expect(wrongShape.kind).toBe("invalid_response");
    expect(wrongShape.message).toContain("experiment.experiment_id");
  });

  it("throws unreachable for a refused connection", async () => {
    const refused: typeof fetch = () => Promise.reject(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }));
    const error = await failure(client(refused).getExperimentByName("x"));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe("MLflow at http://mlflow.test:5000 is not reachable (connection refused)");
  });

  it("times out a server that never answers", async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const started = Date.now();
    const error = await failure(client(hanging, { timeoutMs: 50 }).getExperimentByName("x"));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("no answer within 0.1 s");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("sends the workspace header, JSON bodies and query parameters", async () => {
    const recorded: Seen[] = [];
    const c = client(answering(200, "{}", recorded), { workspace: "alice" });
    await c.searchRuns({ experimentIds: ["7"] });
    await c.listArtifacts("r1", "input_data");
    await c.getLoggedModelArtifactText("m-1", "MLmodel");
    const headers = (i: number) => new Headers(recorded[i].init.headers);
    expect(headers(0).get("x-mlflow-workspace")).toBe("alice");
    expect(headers(0).get("content-type")).toBe("application/json");
    expect(JSON.parse(String(recorded[0].init.body))).toMatchObject({ experiment_ids: ["7"], run_view_type: "ACTIVE_ONLY" });
    expect(recorded[1].url.pathname).toBe("/api/2.0/mlflow/artifacts/list");
    expect(recorded[1].url.searchParams.get("path")).toBe("input_data");
    expect(recorded[2].url.pathname).toBe("/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/files");
    expect(recorded[2].url.searchParams.get("artifact_file_path")).toBe("MLmodel");
  });

  it("follows next_page_token through every page of runs", async () => {
    let call = 0;
    const paged: typeof fetch = async (_input, init) => {
      call += 1;
      const token = JSON.parse(String(init?.body)).page_token;
      const run = (id: string) => ({ info: { run_id: id, experiment_id: "1" } });
      if (!token) return new Response(JSON.stringify({ runs: [run("a"), run("b")], next_page_token: "p2" }));
      return new Response(JSON.stringify({ runs: [run("c")] }));
    };
    const runs = await client(paged).searchAllRuns({ experimentIds: ["1"] });
    expect(runs.map((r) => r.info.run_id)).toEqual(["a", "b", "c"]);
    expect(call).toBe(2);
  });
});
