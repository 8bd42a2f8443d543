import { z } from "zod";
import { displayNameSchema } from "../identity/display-name";

export const classActionSchema = z.object({ action: z.enum(["rotate-code", "new-class"], { error: "must be rotate-code or new-class" }) });

export const learnerActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("reset") }),
  z.object({ action: z.literal("remove") }),
  z.object({ action: z.literal("rejoin-link") }),
  // The same rule as joining: normalized, no invisible or control characters.
  z.object({ action: z.literal("rename"), displayName: displayNameSchema }),
]);
