import { sql } from "kysely";
import type { CourseConfig } from "../config/config";
import type { Store } from "../store/database";
import { probeCourseJupyter, probeMlflow } from "./probes";

type Service = "store" | "mlflow" | "jupyter";

/**
 * What a load balancer or Kubernetes needs to know, and nothing more (strangers may ask): whether
 * the services this instance runs itself answer (`own`), and which it shares with other instances
 * and so leaves to `/api/health` (`shared`).
 */
export type Readiness = { ok: boolean; own: Partial<Record<Service, boolean>>; shared: Service[] };

type ReadinessProbes = Record<Service, () => Promise<boolean>>;

function courseProbes(config: CourseConfig, db: Store): ReadinessProbes {
  return {
    store: () => sql`select 1`.execute(db).then(() => true, () => false),
    mlflow: () => probeMlflow(config.mlflow.url).then((result) => result.ok),
    jupyter: () => probeCourseJupyter(config).then((result) => result.ok),
  };
}

/** Which services are shared by every instance of the course (so none of them says one instance cannot serve). */
export function sharedServices(config: CourseConfig): Service[] {
  const shared: Service[] = [];
  if (config.databaseUrl) shared.push("store");
  if (config.mlflow.external) shared.push("mlflow");
  if (config.jupyter.external) shared.push("jupyter");
  return shared;
}

/**
 * Whether this instance can serve learners now: it answers (this route runs in its runtime), and
 * the services it started itself answer (SQLite, a local MLflow, a local Jupyter). Shared services
 * (DATABASE_URL, MLFLOW_TRACKING_URI, JUPYTER_URL) are left out: one slow shared MLflow would take
 * every instance out of the load balancer at once, where they can still serve pages and say what
 * is down. `/api/health` reports those, to the course's users.
 */
export async function getReadiness({ config, store: db }: { config: CourseConfig; store: Store }, probes: ReadinessProbes = courseProbes(config, db)): Promise<Readiness> {
  const shared = sharedServices(config);
  const ownServices = (["store", "mlflow", "jupyter"] as const).filter((service) => !shared.includes(service));
  const answers = await Promise.all(ownServices.map((service) => probes[service]()));
  const own = Object.fromEntries(ownServices.map((service, index) => [service, answers[index]]));
  return { ok: answers.every(Boolean), own, shared };
}
