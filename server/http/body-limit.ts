import type { IncomingMessage } from "node:http";
import type { CourseConfig } from "../config/config";
import { looseRawPath } from "../mlflow-proxy/mlflow-path";

/** Artifact uploads through the proxied MLflow (the UI, or curl on `/mlflow/api/2.0/mlflow-artifacts/...`). */
const MLFLOW_ARTIFACT_UPLOAD = /^\/mlflow(?:-gate)?\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\/(?:artifacts|mpu)\//;

/**
 * How many body bytes a request may carry, chosen from its raw path before
 * anything is read: artifact uploads through `/mlflow/` get their own cap
 * (COURSE_MLFLOW_UPLOAD_MAX_MB), other `/mlflow/` calls a larger one than the
 * course's own JSON routes. The raw path is only used to pick the larger caps
 * for what looks like the proxy; the proxy decodes and checks the path itself.
 */
export function bodyLimitFor(rawPath: string, limits: CourseConfig["limits"]): number {
  const lower = looseRawPath(rawPath);
  if (!/^\/mlflow(?:-gate)?(?:\/|$)/.test(lower)) return limits.apiBytes;
  return MLFLOW_ARTIFACT_UPLOAD.test(lower) ? limits.mlflowUploadBytes : limits.mlflowBytes;
}

export function declaredLength(request: IncomingMessage): number | null {
  const header = request.headers["content-length"];
  if (header === undefined) return null;
  const value = Number(header);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

export function describeLimit(bytes: number): string {
  return bytes >= 1_000_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${Math.round(bytes / 1000)} KB`;
}

/**
 * Counts a request's body bytes as the HTTP parser hands them over, before any
 * reader (Next.js reads bodies without back-pressure) can buffer them. Past
 * `limit`, the rest is dropped and `onOverflow` runs once; memory holds at
 * most `limit` bytes of any one body, chunked or not.
 *
 * Node's HTTP parser delivers every body chunk through `IncomingMessage#push`;
 * wrapping it on this one request is the narrowest place to see them all.
 */
export function capStreamingBody(request: IncomingMessage, limit: number, onOverflow: () => void): void {
  let seen = 0;
  let overflowed = false;
  const push = request.push;
  request.push = function cappedPush(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined && !overflowed) {
      seen += typeof chunk === "string" ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
      if (seen > limit) {
        overflowed = true;
        onOverflow();
      }
    }
    if (overflowed) return chunk === null ? push.call(this, null) : false;
    return push.call(this, chunk, encoding);
  };
}
