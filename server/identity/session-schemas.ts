import { z } from "zod";
import { CLASS_CODE_INPUT_MAX_LENGTH, normalizeClassCode } from "./class-code";
import { displayNameSchema } from "./display-name";

export const joinSchema = z.object({
  // Normalized here (case, dashes, spaces); whether it is the right code is decided
  // in joinClass, under the wrong-guess limit, so a malformed code counts as a wrong one.
  classCode: z
    .string({ error: "is the code your instructor gave you" })
    .max(CLASS_CODE_INPUT_MAX_LENGTH, `is too long for a class code (at most ${CLASS_CODE_INPUT_MAX_LENGTH} characters)`)
    .transform(normalizeClassCode)
    .refine((code) => code.length > 0, "is the code your instructor gave you"),
  displayName: displayNameSchema,
});

export const instructorSignInSchema = z.object({ password: z.string().min(1, "is needed").max(200) });
