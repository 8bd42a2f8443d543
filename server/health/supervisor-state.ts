import fs from "node:fs";
import path from "node:path";
import type { ServiceStatus } from "@/contracts/health";
import { processAlive } from "@/lib/process/process-group";

/**
 * The supervisor and the Next.js server are separate processes; the supervisor
 * writes what it knows about its children here and the status route reads it.
 */
export type SupervisorState = {
  supervisorPid: number;
  startedAt: number;
  updatedAt: number;
  services: ServiceStatus[];
};

export const stateFilePath = (runDir: string) => path.join(runDir, "services.json");

export function writeSupervisorState(runDir: string, state: SupervisorState): void {
  fs.mkdirSync(runDir, { recursive: true });
  const target = stateFilePath(runDir);
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(state, null, 2));
  fs.renameSync(temporary, target);
}

export function readSupervisorState(runDir: string): SupervisorState | null {
  try {
    const state = JSON.parse(fs.readFileSync(stateFilePath(runDir), "utf8")) as SupervisorState;
    return processAlive(state.supervisorPid) ? state : null;
  } catch {
    return null;
  }
}
