import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { processAlive } from "@/lib/process/process-group";
import type { CourseConfig } from "./config";

/**
 * What the supervisor decided at start and the site needs: whether learner code runs in the
 * sandbox (the supervisor probed the machine once) and the token of the Jupyter server it started.
 * Kept in the run folder, readable by the course's user only, instead of internal environment
 * variables: the environment stays the operator's, with one meaning per variable.
 */
const handoffSchema = z.strictObject({
  version: z.literal(1),
  /** The supervisor that wrote it: a hand-off whose supervisor is gone is not read. */
  supervisorPid: z.number().int().positive(),
  sandbox: z.boolean(),
  /** The course's own Jupyter's token (absent with JUPYTER_URL). */
  jupyterToken: z.string().min(16).optional(),
});

export type RunHandoff = z.infer<typeof handoffSchema>;

export function runHandoffFile(runDir: string): string {
  return path.join(/* turbopackIgnore: true */ runDir, "site-handoff.json");
}

export function writeRunHandoff(runDir: string, handoff: RunHandoff): void {
  const file = runHandoffFile(runDir);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(handoffSchema.parse(handoff)), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export function removeRunHandoff(runDir: string): void {
  fs.rmSync(runHandoffFile(runDir), { force: true });
}

/** The hand-off of the supervisor running now, or null (none, unreadable, or its supervisor has gone). */
export function readRunHandoff(runDir: string, isAlive: (pid: number) => boolean = processAlive): RunHandoff | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(runHandoffFile(runDir), "utf8"));
  } catch {
    return null;
  }
  const parsed = handoffSchema.safeParse(raw);
  if (!parsed.success || !isAlive(parsed.data.supervisorPid)) return null;
  return parsed.data;
}

/** The configuration as the supervisor decided it. */
export function applyRunHandoff(config: CourseConfig, handoff: RunHandoff): CourseConfig {
  return {
    ...config,
    sandbox: { ...config.sandbox, enabled: handoff.sandbox, decided: true },
    jupyter: config.jupyter.external ? config.jupyter : { ...config.jupyter, token: handoff.jupyterToken },
  };
}
