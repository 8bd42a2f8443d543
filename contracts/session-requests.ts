import { z } from "zod";
import { CLASS_CODE_EXAMPLE, CLASS_CODE_INPUT_MAX_LENGTH, CLASS_CODE_LENGTH, normalizeClassCode } from "./class-code";
import { DISPLAY_NAME_MAX_LENGTH, displayNameSchema } from "./display-name";

/** Bodies of the sign-in routes (`POST /api/session/join`, `POST /api/session/instructor`). */

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

/** The join schema's limits, for the join form's fields (its maxLength, hints and placeholder). */
export const JOIN_LIMITS = {
  classCode: { inputMaxLength: CLASS_CODE_INPUT_MAX_LENGTH, length: CLASS_CODE_LENGTH, example: CLASS_CODE_EXAMPLE },
  displayName: { maxLength: DISPLAY_NAME_MAX_LENGTH },
} as const;

export const INSTRUCTOR_PASSWORD_MAX_LENGTH = 200;

export const instructorSignInSchema = z.object({ password: z.string().min(1, "is needed").max(INSTRUCTOR_PASSWORD_MAX_LENGTH) });

export type JoinRequest = z.input<typeof joinSchema>;
export type InstructorSignInRequest = z.input<typeof instructorSignInSchema>;
