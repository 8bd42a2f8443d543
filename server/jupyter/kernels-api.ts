import { ServerConnection } from "@jupyterlab/services";
import { z } from "zod";
import { AppError } from "../errors/app-error";

/**
 * Jupyter's kernels REST API (`/api/kernels`), as the course uses it: the same on a Jupyter server
 * and on a kernel gateway (Enterprise Gateway). Answers are checked before use; a refusal carries
 * the server's own reason.
 */

/** What the course needs of a kernel's model (Jupyter sends more). */
const kernelModelSchema = z.looseObject({ id: z.string().min(1), name: z.string() });
export type KernelModel = z.infer<typeof kernelModelSchema>;

export type StartKernelRequest = {
  /** The kernel spec. */
  name: string;
  /** The kernel's working folder, relative to the Jupyter server's root (a Jupyter server's field). */
  path?: string;
  /** Variables for the kernel's launch (a kernel gateway's field: Enterprise Gateway reads `KERNEL_*`). */
  env?: Record<string, string>;
};

function kernelsUrl(settings: ServerConnection.ISettings, id?: string): string {
  return `${settings.baseUrl.replace(/\/$/, "")}/api/kernels${id ? `/${encodeURIComponent(id)}` : ""}`;
}

/** Jupyter servers put the reason in `message`; Enterprise Gateway in `reason`, with an empty `message`. */
async function refusalReason(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: unknown; reason?: unknown };
    const reason = (typeof body.message === "string" && body.message) || (typeof body.reason === "string" && body.reason);
    if (reason) return reason;
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300) || `HTTP ${response.status}`;
}

/** Starts a kernel; `where` names the server in the error (e.g. "The kernel gateway (JUPYTER_URL)"). */
export async function startKernel(settings: ServerConnection.ISettings, request: StartKernelRequest, where = "Jupyter"): Promise<KernelModel> {
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(kernelsUrl(settings), { method: "POST", body: JSON.stringify(request) }, settings);
  } catch (error) {
    throw new AppError("jupyter_unreachable", `${where} is not answering, so no kernel could be started (${(error as Error).message}). It is restarted automatically; try again in a few seconds.`);
  }
  if (response.status !== 201) {
    throw new AppError("jupyter_unreachable", `${where} refused to start a kernel "${request.name}" (${response.status}): ${await refusalReason(response)}`);
  }
  const parsed = kernelModelSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new AppError("jupyter_unreachable", `${where} started a kernel but answered something that is not a kernel (no id).`);
  return parsed.data;
}

/** The kernel's model while the server still has it; null when it is gone (404) or the server does not answer. */
export async function findKernel(settings: ServerConnection.ISettings, id: string): Promise<KernelModel | null> {
  try {
    const response = await ServerConnection.makeRequest(kernelsUrl(settings, id), { method: "GET" }, settings);
    if (response.status !== 200) return null;
    const parsed = kernelModelSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Asks the server to end the kernel; a kernel already gone is no error. */
export async function shutdownKernel(settings: ServerConnection.ISettings, id: string): Promise<void> {
  try {
    await ServerConnection.makeRequest(kernelsUrl(settings, id), { method: "DELETE" }, settings);
  } catch {
    // The server is down: its kernels went with it, or it ends them when it comes back.
  }
}
