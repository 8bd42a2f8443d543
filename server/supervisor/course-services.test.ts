import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { jupyterServiceSpec, mlflowServiceSpec } from "./course-services";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "course-services-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the environment of the course's Python services", () => {
  const base = {
    PATH: "/usr/bin",
    HOME: "/home/course",
    JAVA_HOME: "/usr/lib/jvm/java-17",
    MLFLOW_ENABLE_WORKSPACES: "true",
    SPARK_MASTER: "local[2]",
    COURSE_INSTRUCTOR_PASSWORD: "secret",
    COURSE_JUPYTER_TOKEN: "secret",
    DATABASE_URL: "postgresql://course:secret@db/course",
    AWS_SECRET_ACCESS_KEY: "secret",
  };
  const config = loadConfig({ COURSE_DATA_DIR: dataDir });

  it("passes MLflow and Jupyter (and so unsandboxed kernels) the allow-list only, never the course's secrets", () => {
    for (const spec of [mlflowServiceSpec(config, base), jupyterServiceSpec(config, "token", base)]) {
      expect(Object.values(spec.env).join("\n"), spec.name).not.toContain("secret");
      expect(spec.env, spec.name).toMatchObject({ HOME: "/home/course", JAVA_HOME: "/usr/lib/jvm/java-17", MLFLOW_ENABLE_WORKSPACES: "true", SPARK_MASTER: "local[2]" });
      expect(spec.env.PATH, spec.name).toBe(`${config.python.bin}:/usr/bin`);
    }
  });

  it("gives MLflow its store on PostgreSQL and a shared artifact folder in its environment, never on its command line, and nobody else", () => {
    const shared = loadConfig({ COURSE_DATA_DIR: dataDir, COURSE_MLFLOW_DATABASE_URL: "postgresql://mlflow:pg-secret@db/mlflow", COURSE_MLFLOW_ARTIFACTS_DIR: path.join(dataDir, "shared") });
    const withStore = { ...base, MLFLOW_BACKEND_STORE_URI: "postgresql://operator:pg-secret@db/other" };
    const mlflow = mlflowServiceSpec(shared, withStore);
    expect(mlflow.env).toMatchObject({ MLFLOW_BACKEND_STORE_URI: "postgresql://mlflow:pg-secret@db/mlflow" });
    expect(mlflow.args.join(" ")).not.toContain("pg-secret");
    expect(mlflow.args.join(" ")).toContain(`--artifacts-destination ${path.join(dataDir, "shared")}`);
    expect(Object.values(jupyterServiceSpec(shared, "token", withStore).env).join("\n")).not.toContain("pg-secret");
  });
});
