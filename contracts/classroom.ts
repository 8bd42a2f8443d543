import { z } from "zod";
import { catchUpPolicySchema, type CatchUpPolicy } from "./catch-up-policy";
import { displayNameSchema } from "./display-name";
import { messageTextSchema } from "./message-text";

/**
 * The instructor's class: the roster (`GET /api/instructor/class`, the actions of
 * `POST /api/instructor/{class,learners/<id>}`), messages (`/api/instructor/messages`) and the
 * class's settings (`/api/instructor/class/settings`).
 */

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

export type RosterLearner = {
  id: string;
  displayName: string;
  joinedAt: string;
  lastSeenAt: string;
  lastLesson: string | null;
  completed: string[];
};

export type ClassOverview = { classCode: string; learners: RosterLearner[] };

/** What `new-class` answers: the new code, and where the old class's record was archived. */
export type NewClassResult = { classCode: string; archivedLearners: number; archive: string };

/** What `rejoin-link` answers: a single-use link for a learner on another browser. */
export type RejoinLink = { url: string; expiresAt: string };

/** The lesson the instructor says the class is on, as learners see it ("The class is on lesson 4: …"). */
export type ClassLesson = { slug: string; title: string; /** 1-based, as the lesson page numbers it. */ number: number };

/** A lesson of the catalog, as the instructor picks from. */
export type LessonChoice = ClassLesson;

/** What the instructor sets for the whole class from the dashboard. */
export type TeachingSettings = {
  /** The slug of the lesson the class is on, or null. */
  classLesson: string | null;
  /** The lessons to pick from, numbered as learners see them. */
  lessons: LessonChoice[];
  catchUp: CatchUpPolicy;
};

/** Whom a message goes to: one learner of the class, or everyone in it. */
export type MessageRecipient = { to: "everyone" } | { to: "learner"; learnerId: string };

/** A message as the instructor's dashboard lists it. */
export type SentMessage = {
  id: string;
  text: string;
  sentAt: string;
  recipient: { to: "everyone" } | { to: "learner"; learnerId: string; displayName: string };
  /** How many learners dismissed its notice. */
  dismissals: number;
};

/** A message as its learner sees it. */
export type LearnerMessage = { id: string; text: string; sentAt: string; toEveryone: boolean; dismissed: boolean };

/** What a learner's pages poll: the class's lesson and their messages, newest first. */
export type ClassFeed = { classLesson: ClassLesson | null; messages: LearnerMessage[] };
