import fs from "node:fs";
import path from "node:path";
import { KernelAPI, ServerConnection, type Kernel } from "@jupyterlab/services";
import { AppError } from "../errors/app-error";
import type { CourseConfig } from "../config/config";
import { SANDBOXED_KERNEL, UNSANDBOXED_KERNEL } from "./kernel-specs";
import { giveFolderToSandbox, writeLaunchDescription } from "../sandbox/launch-description";

export type KernelLaunch = {
  learnerId: string;
  /** The learner's working folder, relative to the Jupyter server's root. */
  workdir: string;
  settings: ServerConnection.ISettings;
  /** The course's configuration when kernels run in its sandbox. */
  sandbox?: CourseConfig;
  /** A kernel on an external Jupyter server or kernel gateway (JUPYTER_URL), started from this kernel spec. */
  remote?: { kernelName: string };
};

/**
 * The one place a learner's kernel is launched. Learner code is arbitrary
 * Python: with the sandbox on, the kernel is started by python/sandbox_launch.py
 * inside bubblewrap (unprivileged user, private filesystem and network, MLflow
 * only through the gate), in the learner's folder.
 */
export async function launchKernel(launch: KernelLaunch): Promise<Kernel.IModel> {
  if (launch.remote) return startRemoteKernel(launch, launch.remote.kernelName);
  if (!launch.sandbox) return KernelAPI.startNew({ name: UNSANDBOXED_KERNEL }, launch.settings);
  const config = launch.sandbox;
  const folder = path.join(config.jupyter.rootDir, launch.workdir);
  fs.mkdirSync(folder, { recursive: true });
  giveFolderToSandbox(config, folder);
  writeLaunchDescription(config, launch.learnerId);
  // Jupyter starts a kernel in `path` (its working folder): the sandbox launcher reads the learner from it.
  const response = await ServerConnection.makeRequest(
    `${launch.settings.baseUrl.replace(/\/$/, "")}/api/kernels`,
    { method: "POST", body: JSON.stringify({ name: SANDBOXED_KERNEL, path: launch.workdir }) },
    launch.settings,
  );
  if (response.status !== 201) throw new ServerConnection.ResponseError(response, await response.text());
  return (await response.json()) as Kernel.IModel;
}

/**
 * A kernel on a kernel gateway. Enterprise Gateway wants to know whose kernel it starts
 * (`KERNEL_USERNAME`: it names the kernel's pod, and the gateway refuses its own user, often
 * root); a Jupyter server ignores the field. A refusal is reported with the gateway's reason.
 */
async function startRemoteKernel(launch: KernelLaunch, kernelName: string): Promise<Kernel.IModel> {
  const response = await ServerConnection.makeRequest(
    `${launch.settings.baseUrl.replace(/\/$/, "")}/api/kernels`,
    { method: "POST", body: JSON.stringify({ name: kernelName, env: { KERNEL_USERNAME: launch.learnerId } }) },
    launch.settings,
  );
  if (response.status === 201) return (await response.json()) as Kernel.IModel;
  const text = await response.text();
  let reason = text.slice(0, 300);
  try {
    // Jupyter servers put it in `message`; Enterprise Gateway in `reason`, with an empty `message`.
    const body = JSON.parse(text) as { message?: string; reason?: string };
    reason = body.message || body.reason || reason;
  } catch {
    // not JSON: the text itself
  }
  throw new AppError("jupyter_unreachable", `The kernel gateway (JUPYTER_URL) refused to start a kernel "${kernelName}" (${response.status}): ${reason}`);
}
