import type { KernelModel } from "../jupyter/kernels-api";
import type { JupyterKernels } from "./jupyter-kernels";

/** What every launcher does alike: a kernel is polled and stopped on the Jupyter server or gateway it was started on. */
export abstract class JupyterLauncher {
  constructor(protected readonly kernels: JupyterKernels) {}

  pollKernel(kernelId: string): Promise<KernelModel | null> {
    return this.kernels.poll(kernelId);
  }

  stopKernel(kernelId: string): Promise<void> {
    return this.kernels.stop(kernelId);
  }
}
