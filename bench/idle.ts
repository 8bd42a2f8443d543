import fs from "node:fs";

/** CPU seconds (user, nice, system, irq) the whole machine has used since boot, from /proc/stat. */
export function machineCpuSeconds(): number {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/**
 * Waits until `cpuSeconds` (a process tree's, or the machine's) grows by under a tenth of a core
 * over 3 s, at most 10 minutes; returns the milliseconds waited. Benches call it so a figure is
 * not measured while kernels are still starting and importing.
 */
export async function waitUntilIdle(cpuSeconds: () => number = machineCpuSeconds): Promise<number> {
  const began = performance.now();
  while (performance.now() - began < 600_000) {
    const before = cpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    if (cpuSeconds() - before < 0.3) break;
  }
  return performance.now() - began;
}
