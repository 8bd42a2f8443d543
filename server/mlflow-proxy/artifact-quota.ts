import fs from "node:fs/promises";
import path from "node:path";
import type { CourseConfig } from "../config/config";
import { problem } from "./forward-to-mlflow";

/** Uploads into MLflow's artifact store: one file (PUT), or a multipart upload being created. */
const ARTIFACT_UPLOAD = /^\/api\/2\.0\/mlflow-artifacts\/(?:artifacts\/|mpu\/create\/)/;

type Usage = { bytes: number; measuredAt: number };
const MEASURE_EVERY_MS = 10_000;

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch {
    return 0; // nothing logged yet
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await fs.stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * A learner's artifacts stop at COURSE_LEARNER_DISK_MB: an upload that would go past it is
 * refused with 413 and a message saying how much is used (learner code logs through the gate,
 * the UI through the proxy; both ask here). Only for the course's own MLflow in a class (an
 * external MLflow keeps its artifacts elsewhere; a solo learner's disk is their own). One per
 * course runtime: it remembers each workspace's measured use for a while.
 */
export class ArtifactQuota {
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly config: Pick<CourseConfig, "mlflow" | "sandbox">) {}

  /** A 413 answer when this request is an upload that would take `workspace` past its quota, else null. */
  async problem(request: Request, mlflowPath: string, workspace: string | null): Promise<Response | null> {
    const { config } = this;
    if (!workspace || config.mlflow.external || !ARTIFACT_UPLOAD.test(mlflowPath) || (request.method !== "PUT" && request.method !== "POST")) return null;
    const quota = config.sandbox.diskMb * 1024 * 1024;
    const incoming = Number(request.headers.get("content-length") ?? 0) || 0;
    const usage = await this.workspaceUsage(workspace);
    if (usage.bytes + incoming <= quota) {
      usage.bytes += incoming;
      return null;
    }
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    return problem(
      request,
      413,
      "Artifact quota reached",
      `Your logged artifacts take ${mb(usage.bytes)} MB of the ${config.sandbox.diskMb} MB the course gives each learner, and this upload is ${mb(incoming)} MB. ` +
        "Log smaller artifacts (a model, not the data it was trained on), or ask your instructor for more room (COURSE_LEARNER_DISK_MB).",
    );
  }

  /** What a workspace's artifacts take on disk (measured at most every 10 s; uploads let through since are added). */
  private async workspaceUsage(workspace: string): Promise<Usage> {
    const known = this.usage.get(workspace);
    if (known && Date.now() - known.measuredAt < MEASURE_EVERY_MS) return known;
    // With workspaces on, MLflow keeps a workspace's artifacts under workspaces/<name>/ of its artifact root.
    const usage = { bytes: await folderBytes(path.join(this.config.mlflow.artifactsDir, "workspaces", workspace)), measuredAt: Date.now() };
    this.usage.set(workspace, usage);
    return usage;
  }
}
