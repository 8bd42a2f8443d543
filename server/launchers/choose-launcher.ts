import type { CourseConfig } from "../config/config";
import { jupyterSettings } from "../jupyter/connection-settings";
import { GatewayLauncher } from "./gateway-launcher";
import { JupyterKernels } from "./jupyter-kernels";
import type { Launcher } from "./launcher";
import { LocalLauncher } from "./local-launcher";
import { SandboxLauncher } from "./sandbox-launcher";

/** Where learners' kernels live: the course's own Jupyter (with the token its supervisor made) or the one JUPYTER_URL names. */
export function jupyterKernelsFor(config: CourseConfig): JupyterKernels {
  const token = config.jupyter.token;
  const settings = config.jupyter.external || token ? jupyterSettings(config.jupyter.url, token ?? "") : null;
  return new JupyterKernels(settings, config.jupyter.external ? "The kernel gateway (JUPYTER_URL)" : "Jupyter");
}

/**
 * The one decision of how learners' processes start, from a configuration whose sandbox is decided
 * (server/sandbox/sandbox-choice.ts): a kernel gateway when JUPYTER_URL names one (the instance's
 * own processes then start as below), else the sandbox when the course runs with it, else local
 * processes. Made once, by the course's runtime; the supervisor prints the same description.
 */
export function chooseLauncher(config: CourseConfig, kernels: JupyterKernels = jupyterKernelsFor(config)): Launcher {
  if (!config.sandbox.decided) throw new Error("chooseLauncher: the sandbox has not been decided (sandbox-choice.ts) for this configuration");
  const here = config.sandbox.enabled ? new SandboxLauncher(config, kernels) : new LocalLauncher(config, kernels);
  return config.jupyter.external ? new GatewayLauncher(config, kernels, here) : here;
}
