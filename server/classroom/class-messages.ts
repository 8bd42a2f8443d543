import type { ClassFeed, LearnerMessage, MessageRecipient, SentMessage } from "@/contracts/classroom";
import crypto from "node:crypto";
import { AppError } from "../errors/app-error";
import type { Learner } from "../identity/course-identity";
import { deleteAllMessages, findLearnerMessage, insertDismissal, insertMessage, listLearnerMessages, listSentMessages } from "../store/class-messages";
import type { Store } from "../store/database";
import { findActiveLearner, learnerJoinedAt, learnerNames } from "../store/learners";
import { readClassLesson } from "./class-lesson";
import type { ClassroomDeps } from "./classroom-deps";

type MessageDeps = Pick<ClassroomDeps, "config" | "store" | "lessons">;

/** The dashboard lists this many of the newest messages; a learner's list holds as many. */
const LIST_LIMIT = 100;
const SENDER = "instructor";
const MESSAGE_ID = /^[0-9a-f]{16}$/;

/** Sends `text` (already checked by `messageTextSchema`); 404 for a learner not in the class. */
export async function sendClassMessage(course: MessageDeps, recipient: MessageRecipient, text: string): Promise<SentMessage> {
  const db = classroomStore(course);
  let displayName = "";
  if (recipient.to === "learner") {
    const row = await findActiveLearner(db, recipient.learnerId);
    if (!row || !row.workspace) throw new AppError("not_found", `There is no learner "${recipient.learnerId}" in this class (removed, or from an earlier class); pick someone from the list.`);
    displayName = row.display_name;
  }
  const message = { id: crypto.randomBytes(8).toString("hex"), learnerId: recipient.to === "learner" ? recipient.learnerId : null, text, sender: SENDER, createdAt: new Date().toISOString() };
  await insertMessage(db, message);
  return {
    id: message.id,
    text,
    sentAt: message.createdAt,
    recipient: recipient.to === "learner" ? { to: "learner", learnerId: recipient.learnerId, displayName } : { to: "everyone" },
    dismissals: 0,
  };
}

/** The newest messages sent in this class, newest first. */
export async function sentClassMessages(course: MessageDeps): Promise<{ messages: SentMessage[] }> {
  const db = classroomStore(course);
  const sent = await listSentMessages(db, LIST_LIMIT);
  const names = await learnerNames(db, [...new Set(sent.flatMap((message) => (message.learnerId ? [message.learnerId] : [])))]);
  return {
    messages: sent.map((message) => ({
      id: message.id,
      text: message.text,
      sentAt: message.createdAt,
      recipient: message.learnerId ? { to: "learner", learnerId: message.learnerId, displayName: names.get(message.learnerId) ?? message.learnerId } : { to: "everyone" },
      dismissals: message.dismissals,
    })),
  };
}

/**
 * The learner's feed: the class's lesson, messages to them, and messages to everyone sent
 * since they joined (a late joiner is not greeted by the morning's notices). The learner is
 * the session's, never one the client names.
 */
export async function classFeed(course: MessageDeps, learner: Learner): Promise<ClassFeed> {
  const db = classroomStore(course);
  const joinedAt = await joinedAtOrNow(db, learner.id);
  const [classLesson, messages] = await Promise.all([readClassLesson(db, course.lessons), listLearnerMessages(db, learner.id, joinedAt, LIST_LIMIT)]);
  return {
    classLesson,
    messages: messages.map((message) => ({ id: message.id, text: message.text, sentAt: message.createdAt, toEveryone: message.learnerId === null, dismissed: message.dismissed })),
  };
}

/** Hides a message's live notice for this learner (it stays in their list); 404 for a message that is not theirs. */
export async function dismissClassMessage(course: MessageDeps, learner: Learner, messageId: string): Promise<{ dismissed: true }> {
  const db = classroomStore(course);
  // Ids are 16 hex digits; anything else is no message (and never reaches the database).
  if (!MESSAGE_ID.test(messageId)) throw new AppError("not_found", "There is no such message for you.");
  const joinedAt = await joinedAtOrNow(db, learner.id);
  const message = await findLearnerMessage(db, learner.id, joinedAt, messageId);
  if (!message) throw new AppError("not_found", "There is no such message for you (it may belong to an earlier class).");
  await insertDismissal(db, message.id, learner.id);
  return { dismissed: true };
}

/** Forgets the class's messages (a new class starts without them). */
export async function clearClassMessages(db: Store): Promise<void> {
  await deleteAllMessages(db);
}

/** The store, in classroom mode; solo mode has no class, so no messages and no class lesson. */
function classroomStore(course: MessageDeps): Store {
  if (course.config.mode !== "classroom") throw new AppError("not_found", "There is no class in solo mode: messages and the class's lesson exist only in classroom mode.");
  return course.store;
}

async function joinedAtOrNow(db: Store, learnerId: string): Promise<string> {
  // The session's learner always has a row; without one, nothing to everyone is theirs.
  return (await learnerJoinedAt(db, learnerId)) ?? new Date().toISOString();
}
