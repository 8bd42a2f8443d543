import { describe, expect, it } from "vitest";
import { GATE_MOUNT, isAllowedMlflowPath, isJsonApiPath, isUnderMount, parseMlflowPath, WORKSPACE_API } from "./mlflow-path";

describe("parseMlflowPath", () => {
  it.each([
    ["/mlflow/api/3.0/mlflow%2Fworkspaces", "/api/3.0/mlflow/workspaces"],
    ["/mlflow/%61pi/3.0/mlflow/w%6Frkspaces", "/api/3.0/mlflow/workspaces"],
    ["/mlflow/api/3.0/mlflow/x/../workspaces", "/api/3.0/mlflow/workspaces"],
    ["/mlflow/api/3.0/mlflow/./workspaces/", "/api/3.0/mlflow/workspaces/"],
    ["/mlflow//api//2.0/mlflow/runs/get", "/api/2.0/mlflow/runs/get"],
    ["/mlflow\\api\\2.0\\mlflow\\runs\\get", "/api/2.0/mlflow/runs/get"],
    ["/%6Dlflow/", "/"],
    ["/mlflow/", "/"],
  ])("decodes and normalizes %s once, to %s", (raw, expected) => {
    const parsed = parseMlflowPath(raw);
    expect(parsed.ok && parsed.path).toBe(expected);
  });

  it.each([
    ["/mlflow/api/3.0/mlflow%252Fworkspaces", 400],
    ["/mlflow/%E0%A4%A", 400],
    ["/mlflow/api%00", 400],
    ["/mlflow/api/3.0/mlflow/workspaces;x=1", 400],
    ["/mlflow/../../etc/passwd", 400],
    ["/mlflow/..", 404],
    ["/api/instructor/class", 404],
  ])("refuses %s with %i", (raw, status) => {
    const parsed = parseMlflowPath(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.status).toBe(status);
  });

  it("forwards the form it checked, re-encoded segment by segment", () => {
    const parsed = parseMlflowPath("/mlflow/api/2.0/mlflow-artifacts/artifacts/1/a%20b%3Fc/x.csv");
    expect(parsed.ok && parsed.path).toBe("/api/2.0/mlflow-artifacts/artifacts/1/a b?c/x.csv");
    expect(parsed.ok && parsed.encoded).toBe("/api/2.0/mlflow-artifacts/artifacts/1/a%20b%3Fc/x.csv");
  });
});

describe("the allow-list", () => {
  it.each([
    "/",
    "/static-files/static/js/main.js",
    "/ajax-api/2.0/mlflow/experiments/search",
    "/api/2.0/mlflow/runs/log-batch",
    "/api/2.0/mlflow/registered-models/create",
    "/api/2.0/mlflow/model-versions/transition-stage",
    "/ajax-api/2.0/mlflow/logged-models/search",
    "/api/2.0/mlflow-artifacts/artifacts/1/2/artifacts/model/MLmodel",
    "/get-artifact",
    "/model-versions/get-artifact",
    "/graphql",
    "/ajax-api/3.0/mlflow/server-info",
  ])("forwards %s", (path) => expect(isAllowedMlflowPath(path)).toBe(true));

  it.each([
    "/api/3.0/mlflow/workspaces",
    "/ajax-api/3.0/mlflow/workspaces/learner-a",
    "/api/2.0/mlflow/webhooks",
    "/api/2.0/mlflow/webhooks/1/test",
    "/ajax-api/3.0/mlflow/gateway/secrets/list",
    "/ajax-api/2.0/mlflow/gateway-proxy",
    "/ajax-api/3.0/mlflow/demo/generate",
    "/ajax-api/3.0/mlflow/jobs/1",
    "/API/2.0/mlflow/runs/get",
    "/admin",
  ])("does not forward %s", (path) => expect(isAllowedMlflowPath(path)).toBe(false));

  it("knows the workspace API in its normalized form", () => {
    expect(WORKSPACE_API.test("/api/3.0/mlflow/workspaces/")).toBe(true);
    expect(WORKSPACE_API.test("/ajax-api/3.0/mlflow/workspaces")).toBe(true);
  });

  it("expects JSON objects on REST routes, files on artifact routes", () => {
    expect(isJsonApiPath("/api/2.0/mlflow/experiments/create")).toBe(true);
    expect(isJsonApiPath("/graphql")).toBe(true);
    expect(isJsonApiPath("/api/2.0/mlflow-artifacts/artifacts/1/x.csv")).toBe(false);
  });
});

describe("isUnderMount (what the gate's socket answers)", () => {
  it("takes the gate's addresses, as written and once normalized", () => {
    expect(isUnderMount("/mlflow-gate/api/2.0/mlflow/experiments/search?max_results=1", GATE_MOUNT)).toBe(true);
    expect(isUnderMount("http://localhost/mlflow-gate/api/2.0/mlflow-artifacts/artifacts/a%20b.txt", GATE_MOUNT)).toBe(true);
  });

  it("refuses every other route of the site, however it is spelled", () => {
    for (const url of [
      "/api/session/instructor",
      "/mlflow-gate",
      "/mlflow-gatex/api",
      "/mlflow/api/2.0/mlflow/experiments/search",
      "/mlflow-gate/../api/session/instructor",
      "/mlflow-gate/%2e%2e/api/session/instructor",
      "/mlflow-gate/api/..%2f..%2fapi/kernel",
      "/x/../mlflow-gate/api/2.0/mlflow/experiments/search",
      "/MLFLOW-GATE/api/2.0/mlflow/experiments/search",
    ]) {
      expect(isUnderMount(url, GATE_MOUNT), url).toBe(false);
    }
  });
});
