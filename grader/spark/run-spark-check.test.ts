import { describe, expect, it } from "vitest";
import { helperEnv } from "./run-spark-check";

describe("the Spark check helper's environment", () => {
  const request = {
    pythonBin: "/course/.venv/bin/python",
    trackingUri: "http://127.0.0.1:5000",
    timeoutMs: 1000,
    baseEnv: {
      PATH: "/usr/bin",
      HOME: "/home/ada",
      SPARK_MASTER: "spark://cluster:7077",
      MLFLOW_TRACKING_TOKEN: "t",
      MLFLOW_WORKSPACE: "someone-else",
      MLFLOW_TRACKING_URI: "http://elsewhere",
      DATABASE_URL: "postgresql://course:secret@db/course",
      COURSE_INSTRUCTOR_PASSWORD: "secret",
      COURSE_JUPYTER_TOKEN: "secret",
      PYSPARK_PYTHON: "/usr/bin/python3",
    },
  };

  it("keeps the learner's code away from the course's secrets", () => {
    const env = helperEnv(request, "/tmp/spark-check-x");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.COURSE_INSTRUCTOR_PASSWORD).toBeUndefined();
    expect(env.COURSE_JUPYTER_TOKEN).toBeUndefined();
  });

  it("sets the course's Python for Spark's workers, this MLflow, the cluster and a scratch folder", () => {
    const env = helperEnv(request, "/tmp/spark-check-x");
    expect(env).toMatchObject({
      PATH: "/course/.venv/bin:/usr/bin",
      HOME: "/home/ada",
      SPARK_MASTER: "spark://cluster:7077",
      MLFLOW_TRACKING_URI: "http://127.0.0.1:5000",
      MLFLOW_TRACKING_TOKEN: "t",
      PYSPARK_PYTHON: "/course/.venv/bin/python",
      PYSPARK_DRIVER_PYTHON: "/course/.venv/bin/python",
      TMPDIR: "/tmp/spark-check-x",
      SPARK_LOCAL_DIRS: "/tmp/spark-check-x",
    });
    expect(env.MLFLOW_WORKSPACE).toBeUndefined(); // only the workspace being graded
    expect(helperEnv({ ...request, workspace: "ada" }, "/tmp/x").MLFLOW_WORKSPACE).toBe("ada");
  });
});
