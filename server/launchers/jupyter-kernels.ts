import type { ServerConnection } from "@jupyterlab/services";
import { AppError } from "../errors/app-error";
import { findKernel, shutdownKernel, startKernel, type KernelModel, type StartKernelRequest } from "../jupyter/kernels-api";

/**
 * What every launcher shares: kernels live on one Jupyter server or kernel gateway, reached with
 * `settings` (null when this process was given no token for the course's own Jupyter, e.g. a site
 * started without the supervisor and without JUPYTER_URL).
 */
export class JupyterKernels {
  constructor(
    readonly settings: ServerConnection.ISettings | null,
    private readonly where: string,
  ) {}

  start(request: StartKernelRequest): Promise<KernelModel> {
    return startKernel(this.connected(), request, this.where);
  }

  poll(kernelId: string): Promise<KernelModel | null> {
    return this.settings ? findKernel(this.settings, kernelId) : Promise.resolve(null);
  }

  stop(kernelId: string): Promise<void> {
    return this.settings ? shutdownKernel(this.settings, kernelId) : Promise.resolve();
  }

  connected(): ServerConnection.ISettings {
    if (!this.settings) throw new AppError("service_unavailable", "The Jupyter server is not configured for this process: start the course with `npm start`.");
    return this.settings;
  }
}
