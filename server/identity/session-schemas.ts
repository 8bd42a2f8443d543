import { z } from "zod";

export const joinSchema = z.object({
  classCode: z.string().trim().min(4, "is the code your instructor gave you").max(32),
  displayName: z
    .string()
    .trim()
    .min(1, "is needed: the name your instructor will see")
    .max(60, "must be at most 60 characters")
    .regex(/^[^<>]*$/, "must not contain < or >"),
});

export const instructorSignInSchema = z.object({ password: z.string().min(1, "is needed").max(200) });
