import fs from "node:fs";
import path from "node:path";
import type { CourseConfig } from "../config/config";

export const SANDBOXED_KERNEL = "course-sandboxed";

/**
 * The kernelspec whose command is python/sandbox_launch.py: Jupyter starts it with a
 * connection file, and it starts ipykernel inside bubblewrap. Signals do not reach a
 * kernel through the sandbox's PID namespace, so interrupts go as messages.
 */
export function writeSandboxKernelSpec(config: CourseConfig): void {
  const folder = path.join(config.dataDir, "jupyter", "data", "kernels", SANDBOXED_KERNEL);
  fs.mkdirSync(folder, { recursive: true });
  fs.mkdirSync(config.sandbox.dir, { recursive: true, mode: 0o700 });
  const spec = {
    argv: [path.join(config.python.bin, "python"), path.join(config.projectRoot, "python", "sandbox_launch.py"), "kernel", "{connection_file}"],
    display_name: "Python 3 (course sandbox)",
    language: "python",
    interrupt_mode: "message",
    env: { COURSE_SANDBOX_DIR: config.sandbox.dir },
  };
  fs.writeFileSync(path.join(folder, "kernel.json"), JSON.stringify(spec, null, 2));
}
