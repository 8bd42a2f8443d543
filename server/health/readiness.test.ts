import { describe, expect, it } from "vitest";
import { loadConfig, type Env } from "../config/config";
import type { Store } from "../store/database";
import { getReadiness } from "./readiness";

const config = (env: Env) => loadConfig(env, { projectRoot: "/srv/course" });
const probesAnswering = (answers: { store: boolean; mlflow: boolean; jupyter: boolean }) => {
  const asked: string[] = [];
  const probe = (service: keyof typeof answers) => async () => {
    asked.push(service);
    return answers[service];
  };
  return { asked, probes: { store: probe("store"), mlflow: probe("mlflow"), jupyter: probe("jupyter") } };
};

describe("readiness (for load balancers)", () => {
  it("on one machine, every service is the instance's own: any one down makes it not ready", async () => {
    const { probes } = probesAnswering({ store: true, mlflow: false, jupyter: true });
    expect(await getReadiness({ config: config({}), store: {} as Store }, probes)).toStrictEqual({ ok: false, own: { store: true, mlflow: false, jupyter: true }, shared: [] });
  });

  it("never asks about shared services: a slow shared MLflow or gateway takes no instance out", async () => {
    const shared = config({ DATABASE_URL: "postgres://course@db/course", MLFLOW_TRACKING_URI: "http://mlflow.internal:5000", JUPYTER_URL: "http://gateway.internal:8888" });
    const { asked, probes } = probesAnswering({ store: false, mlflow: false, jupyter: false });
    expect(await getReadiness({ config: shared, store: {} as Store }, probes)).toStrictEqual({ ok: true, own: {}, shared: ["store", "mlflow", "jupyter"] });
    expect(asked).toStrictEqual([]);
  });

  it("asks about the services an instance runs itself beside shared ones", async () => {
    const { asked, probes } = probesAnswering({ store: true, mlflow: true, jupyter: false });
    const readiness = await getReadiness({ config: config({ MLFLOW_TRACKING_URI: "http://mlflow.internal:5000" }), store: {} as Store }, probes);
    expect(readiness).toStrictEqual({ ok: false, own: { store: true, jupyter: false }, shared: ["mlflow"] });
    expect(asked.sort()).toStrictEqual(["jupyter", "store"]);
  });
});
