import fs from "node:fs";
import path from "node:path";
import { kernelOutputCapBytes, type CourseConfig } from "../config/config";

/** Kernels started by python/sandbox_launch.py inside bubblewrap. */
export const SANDBOXED_KERNEL = "course-sandboxed";
/** Kernels started directly, when the sandbox is off. */
export const UNSANDBOXED_KERNEL = "course-python";

/**
 * The course's kernelspecs. Both run python/course_kernel.py (ipykernel with the course's
 * imports started ahead of need, MLflow's requirement answers for the lessons' models, and the
 * output cap). With the sandbox, Jupyter starts python/sandbox_launch.py with a connection file,
 * and it starts course_kernel.py inside bubblewrap; signals do not reach a kernel through the
 * sandbox's PID namespace, so interrupts go as messages.
 */
export function writeKernelSpecs(config: CourseConfig): void {
  const python = path.join(config.python.bin, "python");
  const scripts = path.join(config.projectRoot, "python");
  writeSpec(config, UNSANDBOXED_KERNEL, {
    argv: [python, path.join(scripts, "course_kernel.py"), `--output-cap-bytes=${kernelOutputCapBytes(config)}`, "-f", "{connection_file}"],
    display_name: "Python 3 (course)",
    language: "python",
  });
  if (!config.sandbox.enabled) return;
  fs.mkdirSync(config.sandbox.dir, { recursive: true, mode: 0o700 });
  writeSpec(config, SANDBOXED_KERNEL, {
    argv: [python, path.join(scripts, "sandbox_launch.py"), "kernel", "{connection_file}"],
    display_name: "Python 3 (course sandbox)",
    language: "python",
    interrupt_mode: "message",
    env: { COURSE_SANDBOX_DIR: config.sandbox.dir },
  });
}

/** Whether sandboxed kernels are forks of python/kernel_forker.py: the sandbox on, the forker not turned off, the course run as root. */
export function usesKernelForker(config: CourseConfig): boolean {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  return config.sandbox.enabled && config.sandbox.kernelForker && root;
}

/** Where python/kernel_forker.py listens; python/sandbox_launch.py finds it next to the launch descriptions. */
export function kernelForkerSocket(config: CourseConfig): string {
  return path.join(config.sandbox.dir, "kernel-forker.sock");
}

function writeSpec(config: CourseConfig, name: string, spec: Record<string, unknown>): void {
  const folder = path.join(config.dataDir, "jupyter", "data", "kernels", name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "kernel.json"), JSON.stringify(spec, null, 2));
}
