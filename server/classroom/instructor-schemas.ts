import { z } from "zod";
import { displayNameSchema } from "../identity/display-name";
import { catchUpPolicySchema } from "./catch-up-policy";
import { messageTextSchema } from "./message-text";

export const classActionSchema = z.object({ action: z.enum(["rotate-code", "new-class"], { error: "must be rotate-code or new-class" }) });

export const learnerActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("reset") }),
  z.object({ action: z.literal("remove") }),
  z.object({ action: z.literal("rejoin-link") }),
  // The same rule as joining: normalized, no invisible or control characters.
  z.object({ action: z.literal("rename"), displayName: displayNameSchema }),
]);

/** A message to one learner of the class or to everyone; the text is plain text (`messageTextSchema`). */
export const sendMessageSchema = z.discriminatedUnion(
  "to",
  [
    z.object({ to: z.literal("everyone"), text: messageTextSchema }),
    z.object({ to: z.literal("learner"), learnerId: z
        .string({ error: "is needed: the learner to send the message to" })
        .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "is not a learner's id (pick someone from the class list)" }), text: messageTextSchema }),
  ],
  { error: 'must be "everyone" or "learner" (with learnerId)' },
);

const lessonSlugSchema = z
  .string()
  .max(100, { error: "is not a lesson of this course" })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "is not a lesson of this course (a lesson's slug, such as tracking-example)" });

/** The class's settings the instructor changes: the lesson the class is on (null: none), the catch-up policy. At least one. */
export const classSettingsSchema = z
  .object({ classLesson: lessonSlugSchema.nullable().optional(), catchUp: catchUpPolicySchema.optional() })
  .refine((settings) => settings.classLesson !== undefined || settings.catchUp !== undefined, { error: "name classLesson, catchUp or both" });
