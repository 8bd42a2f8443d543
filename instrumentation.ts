/**
 * Runs once when the course's Next.js server starts. Solo mode has exactly one learner: their
 * kernel starts now, so the first cell they run does not wait for it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./server/config/runtime-config");
  if (getConfig().mode !== "solo") return;
  const { SOLO_LEARNER } = await import("./server/identity/current-learner");
  const { warmKernel } = await import("./server/kernels/course-kernels");
  warmKernel(SOLO_LEARNER.id);
}
