import { z } from "zod";

/**
 * The cell and kernel routes (`/api/cells/{run,code}`, `/api/kernel`, `/api/kernel/complete`):
 * their bodies, built by the browser and parsed by the routes, and the kernel routes' answers.
 * What `/api/cells/run` streams back is in cell-events.ts.
 */

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a lesson slug such as tracking-example");
const cellId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a cell id such as load-data");
export const MAX_CODE_LENGTH = 100_000;
const code = z
  .string()
  .max(MAX_CODE_LENGTH, `must be at most ${MAX_CODE_LENGTH} characters`)
  // PostgreSQL text cannot hold NUL, and Python source has no use for it.
  .refine((text) => !text.includes("\u0000"), "must not contain NUL characters");

export const runCellSchema = z.object({ lesson: slug, cellId, code });
export const saveCodeSchema = z.object({ lesson: slug, cellId, code });
export const resetCodeSchema = z.object({ lesson: slug, cellId });
export const completeSchema = z.object({
  code,
  cursorPos: z.number().int().nonnegative("must be a position in the code"),
});
export const kernelActionSchema = z.object({ action: z.enum(["warm", "interrupt", "restart"]) });

export type RunCellRequest = z.infer<typeof runCellSchema>;
export type KernelAction = z.infer<typeof kernelActionSchema>["action"];

/** What `POST /api/kernel` answers. */
export type KernelState = { state: "idle" | "busy" | "starting" | "none"; executionState?: string };

/** What `POST /api/kernel/complete` answers: the kernel's (Jedi's) completions, for the editor. */
export type Completion = { matches: string[]; cursorStart: number; cursorEnd: number };
