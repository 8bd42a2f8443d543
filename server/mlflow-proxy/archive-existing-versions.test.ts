import { describe, expect, it } from "vitest";
import { archivingTransition } from "./archive-existing-versions";

const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
const decoded = (buffer: ArrayBuffer) => JSON.parse(new TextDecoder().decode(buffer));

describe("stage transitions that archive the versions already there", () => {
  it("are sent to MLflow without its archiving, which the course does after", () => {
    for (const path of ["/api/2.0/mlflow/model-versions/transition-stage", "/ajax-api/2.0/mlflow/model-versions/transition-stage"]) {
      const found = archivingTransition("POST", path, body({ name: "IrisModel", version: "3", stage: "staging", archive_existing_versions: true }));
      expect(found?.transition).toStrictEqual({ name: "IrisModel", version: "3", stage: "staging" });
      expect(decoded(found!.body)).toStrictEqual({ name: "IrisModel", version: "3", stage: "staging", archive_existing_versions: false });
    }
  });

  it("leave every other request to MLflow as it is, its errors included", () => {
    const path = "/api/2.0/mlflow/model-versions/transition-stage";
    expect(archivingTransition("POST", path, body({ name: "IrisModel", version: "3", stage: "Staging", archive_existing_versions: false }))).toBeNull();
    expect(archivingTransition("POST", path, body({ name: "IrisModel", version: "3", stage: "Staging" }))).toBeNull();
    // MLflow refuses archiving into an inactive stage with its own message.
    expect(archivingTransition("POST", path, body({ name: "IrisModel", version: "3", stage: "Archived", archive_existing_versions: true }))).toBeNull();
    expect(archivingTransition("POST", path, body({ name: "IrisModel", version: 3, stage: "Staging", archive_existing_versions: true }))).toBeNull();
    expect(archivingTransition("POST", path, new TextEncoder().encode("not json").buffer as ArrayBuffer)).toBeNull();
    expect(archivingTransition("GET", path, undefined)).toBeNull();
    expect(archivingTransition("POST", "/api/2.0/mlflow/model-versions/update", body({ archive_existing_versions: true }))).toBeNull();
  });
});
