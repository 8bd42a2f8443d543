import fs from "node:fs";
import type { CourseConfig } from "../config/config";

export type ProbeResult = { ok: true; version?: string } | { ok: false; problem: string };

type FetchFn = typeof fetch;

const PROBE_TIMEOUT_MS = 2000;

async function getText(url: string, init: RequestInit, fetchFn: FetchFn): Promise<{ status: number; body: string }> {
  const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), cache: "no-store" });
  return { status: response.status, body: await response.text() };
}

function describeFailure(service: string, url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  if (cause === "ECONNREFUSED") return `${service} is not answering at ${url} (connection refused): it is stopped or still starting.`;
  if ((error as Error)?.name === "TimeoutError") return `${service} at ${url} did not answer within ${PROBE_TIMEOUT_MS / 1000} s.`;
  return `${service} at ${url} could not be reached (${(error as Error)?.message ?? String(error)}).`;
}

export async function probeMlflow(baseUrl: string, fetchFn: FetchFn = fetch): Promise<ProbeResult> {
  try {
    const health = await getText(`${baseUrl}/health`, {}, fetchFn);
    if (health.status !== 200) return { ok: false, problem: `MLflow at ${baseUrl} answered ${health.status} to its health check.` };
    const version = await getText(`${baseUrl}/version`, {}, fetchFn).catch(() => null);
    return { ok: true, version: version?.status === 200 ? version.body.trim() : undefined };
  } catch (error) {
    return { ok: false, problem: describeFailure("MLflow", baseUrl, error) };
  }
}

/**
 * Asks Jupyter for its kernel specs: a Jupyter server and a kernel gateway (Enterprise Gateway)
 * both answer it. `external`: a server the course did not start (JUPYTER_URL), which must offer
 * the kernel spec `kernelName` and may need no token.
 */
export async function probeJupyter(
  baseUrl: string,
  token: string | undefined,
  fetchFn: FetchFn = fetch,
  external?: { kernelName: string },
): Promise<ProbeResult> {
  if (!token && !external) return { ok: false, problem: "The Jupyter token is not configured: start the course with `npm start`." };
  const what = external ? "The Jupyter server or kernel gateway (JUPYTER_URL)" : "Jupyter";
  try {
    const specs = await getText(`${baseUrl}/api/kernelspecs`, { headers: token ? { Authorization: `token ${token}` } : {} }, fetchFn);
    if (specs.status === 403 || specs.status === 401) return { ok: false, problem: `${what} at ${baseUrl} refused the course's token${external ? " (JUPYTER_TOKEN)" : ""}.` };
    if (specs.status !== 200) return { ok: false, problem: `${what} at ${baseUrl} answered ${specs.status}.` };
    if (external) {
      const offered = Object.keys((JSON.parse(specs.body) as { kernelspecs?: Record<string, unknown> }).kernelspecs ?? {});
      if (!offered.includes(external.kernelName)) {
        return { ok: false, problem: `${what} at ${baseUrl} has no kernel spec "${external.kernelName}" (JUPYTER_KERNEL_NAME); it offers: ${offered.join(", ") || "none"}.` };
      }
    }
    const api = await getText(`${baseUrl}/api`, {}, fetchFn).catch(() => null);
    const version = api?.status === 200 ? (JSON.parse(api.body) as { version?: string }).version : undefined;
    return { ok: true, version };
  } catch (error) {
    return { ok: false, problem: describeFailure(what, baseUrl, error) };
  }
}

/** The course's Jupyter as configured: its own, or the external one (JUPYTER_URL) with the kernel spec it must offer. */
export function probeCourseJupyter(config: Pick<CourseConfig, "jupyter">, fetchFn: FetchFn = fetch): Promise<ProbeResult> {
  const { url, token, external, kernelName } = config.jupyter;
  return probeJupyter(url, token, fetchFn, external ? { kernelName } : undefined);
}

export function probeDataDir(dataDir: string): ProbeResult {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: `The data folder ${dataDir} is not writable (${(error as Error).message}). Set COURSE_DATA_DIR to a folder you can write to.` };
  }
}
