import { z } from "zod";

export const classActionSchema = z.object({ action: z.enum(["rotate-code", "new-class"], { error: "must be rotate-code or new-class" }) });

export const learnerActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("reset") }),
  z.object({ action: z.literal("remove") }),
  z.object({ action: z.literal("rejoin-link") }),
  z.object({ action: z.literal("rename"), displayName: z.string().trim().min(1).max(60).regex(/^[^<>]*$/, "must not contain < or >") }),
]);
