import type { Completion, KernelAction, KernelState } from "@/contracts/cell-requests";
import { AppError } from "../errors/app-error";
import type { Learner } from "../identity/current-learner";
import { getKernelPool } from "./course-kernels";

/** Warm (start ahead of the first run), interrupt, or restart the learner's kernel. */
export async function kernelAction(learner: Learner, action: KernelAction): Promise<KernelState> {
  const pool = getKernelPool();
  switch (action) {
    case "warm": {
      const kernel = await pool.kernelFor(learner.id);
      return { state: kernel.connection.status === "busy" ? "busy" : "idle" };
    }
    case "interrupt": {
      const interrupted = await pool.interrupt(learner.id);
      if (!interrupted) throw new AppError("conflict", "There is nothing to interrupt: your kernel is not running.");
      return { state: "idle" };
    }
    case "restart": {
      await pool.restart(learner.id);
      return { state: "idle" };
    }
  }
}

/** Completions from the kernel (Jedi), for the editor. */
export async function completeCode(learner: Learner, code: string, cursorPos: number): Promise<Completion> {
  const kernel = await getKernelPool().kernelFor(learner.id);
  const reply = await Promise.race([
    kernel.connection.requestComplete({ code, cursor_pos: cursorPos }),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000)),
  ]);
  if (!reply || reply.content.status !== "ok") return { matches: [], cursorStart: cursorPos, cursorEnd: cursorPos };
  return { matches: reply.content.matches.slice(0, 200), cursorStart: reply.content.cursor_start, cursorEnd: reply.content.cursor_end };
}
