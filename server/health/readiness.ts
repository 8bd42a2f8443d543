import { sql } from "kysely";
import type { CourseConfig } from "../config/config";
import type { Store } from "../store/database";
import { probeCourseJupyter, probeMlflow } from "./probes";

/** What a load balancer or Kubernetes needs to know, and nothing more: strangers may ask. */
export type Readiness = { ok: boolean; store: boolean; mlflow: boolean; jupyter: boolean };

/**
 * Whether this instance can serve learners now: its progress store answers, and so do MLflow
 * and the Jupyter server or kernel gateway. (`/api/health` says why not, to the course's users.)
 */
export async function getReadiness({ config, store: db }: { config: CourseConfig; store: Store }): Promise<Readiness> {
  const [store, mlflow, jupyter] = await Promise.all([
    sql`select 1`.execute(db).then(() => true, () => false),
    probeMlflow(config.mlflow.url).then((result) => result.ok),
    probeCourseJupyter(config).then((result) => result.ok),
  ]);
  return { ok: store && mlflow && jupyter, store, mlflow, jupyter };
}
