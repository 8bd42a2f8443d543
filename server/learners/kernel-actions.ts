import type { KernelAction, KernelState } from "@/contracts/cell-requests";
import { AppError } from "../errors/app-error";
import type { LearnerKernel } from "../kernels/learner-kernel";

/** Warm (start ahead of the first run), interrupt, or restart the learner's kernel. */
export async function kernelAction(kernel: LearnerKernel, action: KernelAction): Promise<KernelState> {
  switch (action) {
    case "warm":
      return kernel.warm();
    case "interrupt": {
      if (!(await kernel.interrupt())) throw new AppError("conflict", "There is nothing to interrupt: your kernel is not running.");
      return { state: "idle" };
    }
    case "restart": {
      await kernel.restart();
      return { state: "idle" };
    }
  }
}
