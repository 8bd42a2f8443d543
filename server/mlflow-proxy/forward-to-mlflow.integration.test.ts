import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { forwardToMlflow } from "./forward-to-mlflow";

describe("the /mlflow/ proxy, against a real MLflow", () => {
  let course: TempCourse;
  const site = "http://localhost:3000";

  const via = (path: string, init: RequestInit = {}) =>
    forwardToMlflow(new Request(`${site}/mlflow${path}`, { ...init, headers: { host: "localhost:3000", ...(init.headers ?? {}) } }), path, {
      mlflowUrl: course.config.mlflow.url,
    });

  beforeAll(async () => {
    course = await startTempCourse(["mlflow"]);
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("serves the MLflow UI and its relative assets", async () => {
    const index = await via("/", { headers: { accept: "text/html" } });
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain("<title>MLflow</title>");
    const script = /src="(static-files\/static\/js\/[^"]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await via(`/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
  });

  it("lets a same-origin page create an experiment despite MLflow's origin check", async () => {
    const created = await via("/ajax-api/2.0/mlflow/experiments/create", {
      method: "POST",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ name: "created-through-the-proxy" }),
    });
    expect(created.status).toBe(200);
    const found = await via("/api/2.0/mlflow/experiments/get-by-name?experiment_name=created-through-the-proxy");
    expect((await found.json()).experiment.name).toBe("created-through-the-proxy");
  });

  it("passes MLflow's own 404 for unknown paths and API errors", async () => {
    const unknown = await via("/no-such-page");
    expect(unknown.status).toBe(404);
    const missing = await via("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });

  it("answers 502 with an explanation while MLflow is down", async () => {
    const response = await forwardToMlflow(new Request(`${site}/mlflow/api/2.0/mlflow/experiments/search`), "/api/2.0/mlflow/experiments/search", {
      mlflowUrl: "http://127.0.0.1:1",
    });
    expect(response.status).toBe(502);
    expect((await response.json()).message).toContain("MLflow is not reachable");
  });
});
