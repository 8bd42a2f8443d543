import { describe, expect, it } from "vitest";
import { inWorkspace, mlflowHomeFor } from "./ui-links";

describe("inWorkspace", () => {
  it("adds the workspace to the hash route's query", () => {
    expect(inWorkspace("/mlflow/#/experiments/1/runs/abc", "learner-1a")).toBe("/mlflow/#/experiments/1/runs/abc?workspace=learner-1a");
    expect(inWorkspace("/mlflow/#/models?x=1", "learner-1a")).toBe("/mlflow/#/models?x=1&workspace=learner-1a");
  });
  it("leaves links alone in solo mode", () => {
    expect(inWorkspace("/mlflow/#/models", undefined)).toBe("/mlflow/#/models");
    expect(mlflowHomeFor(undefined)).toBe("/mlflow/#/experiments");
  });
});
