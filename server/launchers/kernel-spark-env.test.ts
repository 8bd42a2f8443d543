import { describe, expect, it } from "vitest";
import { loadConfig, type CourseConfig, type Env } from "../config/config";
import { chooseLauncher } from "./choose-launcher";
import type { JupyterKernels } from "./jupyter-kernels";

const CLUSTER = "spark://spark-master.internal:7077";

function launcherFor(env: Env, sandbox: boolean) {
  const loaded = loadConfig({ COURSE_SANDBOX: sandbox ? "on" : "off", ...env }, { projectRoot: "/srv/course" });
  const config: CourseConfig = { ...loaded, sandbox: { ...loaded.sandbox, enabled: sandbox, decided: true } };
  return chooseLauncher(config, {} as JupyterKernels);
}

describe("what a kernel is told about Spark (kernelSparkEnv)", () => {
  it("kernels on this machine without the sandbox: a slot from the site, and the class's cluster", () => {
    expect(launcherFor({ SPARK_MASTER: CLUSTER }, false).kernelSparkEnv()).toStrictEqual({ TRAINING_GATE_URL: "http://127.0.0.1:3000/mlflow-gate", SPARK_MASTER: CLUSTER });
    expect(launcherFor({}, false).kernelSparkEnv(), "no cluster: local mode").toStrictEqual({ TRAINING_GATE_URL: "http://127.0.0.1:3000/mlflow-gate" });
  });

  it("sandboxed kernels: a slot through the sandbox's bridge, never a cluster their network cannot reach", () => {
    const env = launcherFor({ SPARK_MASTER: CLUSTER }, true).kernelSparkEnv();
    expect(env.TRAINING_GATE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mlflow-gate$/);
    expect(env).not.toHaveProperty("SPARK_MASTER");
  });

  it("kernels on a gateway: the class's cluster, and no slot of this machine (their JVMs run on the gateway's hosts)", () => {
    const gateway = { JUPYTER_URL: "http://gateway.internal:8888", SPARK_MASTER: CLUSTER };
    for (const sandbox of [false, true]) expect(launcherFor(gateway, sandbox).kernelSparkEnv()).toStrictEqual({ SPARK_MASTER: CLUSTER });
    expect(launcherFor({ JUPYTER_URL: "http://gateway.internal:8888" }, false).kernelSparkEnv()).toStrictEqual({});
  });
});
