import type { HealthReport, ServiceHealth } from "@/contracts/health";
import type { CourseConfig } from "../config/config";
import { readSupervisorState } from "./supervisor-state";
import { probeCourseJupyter, probeDataDir, probeMlflow } from "./probes";

/** What the health report needs of the course: its configuration and how it starts learners' processes. */
export type HealthDeps = { config: CourseConfig; launcher: HealthReport["launcher"] };

export async function getHealth({ config, launcher }: HealthDeps, fetchFn: typeof fetch = fetch): Promise<HealthReport> {
  const [mlflow, jupyter] = await Promise.all([
    probeMlflow(config.mlflow.url, fetchFn),
    probeCourseJupyter(config, fetchFn),
  ]);
  const dataDir = probeDataDir(config.dataDir);
  const supervised = readSupervisorState(config.runDir)?.services ?? [];
  const withSupervisor = (name: string) => {
    const status = supervised.find((service) => service.name === name);
    return status ? { state: status.state, restarts: status.restarts, lastExitAt: status.lastExit?.at } : undefined;
  };
  const explain = (result: typeof mlflow, name: string): ServiceHealth => {
    const supervisedStatus = withSupervisor(name);
    if (result.ok) return { ok: true, version: result.version, supervised: supervisedStatus };
    const restarting = supervisedStatus && supervisedStatus.state !== "ready" && supervisedStatus.restarts > 0;
    return {
      ok: false,
      problem: restarting ? `${result.problem} The course is restarting it (restart ${supervisedStatus.restarts}).` : result.problem,
      supervised: supervisedStatus,
    };
  };
  const report: HealthReport = {
    ok: mlflow.ok && jupyter.ok && dataDir.ok,
    checkedAt: new Date().toISOString(),
    mlflow: { ...explain(mlflow, "mlflow"), external: config.mlflow.external, uiPath: "/mlflow/" },
    jupyter: { ...explain(jupyter, "jupyter"), external: config.jupyter.external },
    dataDir: { ...(dataDir.ok ? { ok: true } : { ok: false, problem: dataDir.problem }), path: config.dataDir },
    launcher: { kind: launcher.kind, description: launcher.description },
  };
  return report;
}

/** The health report if the probes answer within `ms` (for a page's first paint), else undefined. */
export async function healthWithin(course: HealthDeps, ms: number): Promise<HealthReport | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([getHealth(course).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
