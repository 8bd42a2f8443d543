import { KernelAPI, type Kernel, type ServerConnection } from "@jupyterlab/services";

export type KernelLaunch = {
  learnerId: string;
  /** The learner's working folder, relative to the Jupyter server's root. */
  workdir: string;
  settings: ServerConnection.ISettings;
};

/**
 * The one place a learner's kernel is launched. Learner code is arbitrary
 * Python: a sandbox (bubblewrap with a private filesystem and network
 * namespace, see the README's security section) wraps this function, and
 * nothing else starts kernels.
 */
export async function launchKernel(launch: KernelLaunch): Promise<Kernel.IModel> {
  return KernelAPI.startNew({ name: "python3" }, launch.settings);
}
