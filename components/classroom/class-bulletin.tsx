"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type RefObject } from "react";
import type { ClassFeed, ClassLesson, LearnerMessage } from "@/contracts/classroom";
import { requestJson } from "../request-json";

const FEED_KEY = ["class-feed"];
/** Notices shown at once; the rest wait in the Messages list. */
const MAX_NOTICES = 3;

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * What the instructor tells a classroom learner, on the lesson pages and the home page:
 * the lesson the class is on (a link, never a move) and the instructor's messages.
 *
 * One small GET polled every 5 s (React Query), like the dashboard: no connection kept
 * per learner, and a missed update heals at the next poll. New messages appear as
 * dismissible notices in the corner, announced politely; focus stays where the learner
 * is. Every message stays in the Messages list. Text is always rendered as text.
 */
export function ClassBulletin({ currentLesson }: { currentLesson: string | null }) {
  const feed = useQuery({ queryKey: FEED_KEY, queryFn: () => requestJson<ClassFeed>("/api/classroom"), refetchInterval: 5000 });
  const messages = feed.data?.messages ?? [];
  const listToggle = useRef<HTMLButtonElement>(null);
  return (
    <div className="space-y-2 text-sm" data-testid="class-bulletin">
      <ClassLessonNote classLesson={feed.data?.classLesson ?? null} currentLesson={currentLesson} />
      <MessageList messages={messages} toggleRef={listToggle} />
      {/* Mounted with the first answer, so messages already there are shown but not announced. */}
      {feed.data && <MessageNotices messages={messages} fallbackFocus={listToggle} />}
    </div>
  );
}

function ClassLessonNote({ classLesson, currentLesson }: { classLesson: ClassLesson | null; currentLesson: string | null }) {
  if (!classLesson) return null;
  if (classLesson.slug === currentLesson) {
    return (
      <p className="text-slate-600 dark:text-slate-400" data-testid="class-lesson" data-here="true">
        The class is on this lesson.
      </p>
    );
  }
  return (
    <p className="rounded border border-sky-200 bg-sky-50 px-2 py-1 text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100" data-testid="class-lesson" data-here="false">
      The class is on lesson {classLesson.number}:{" "}
      <Link href={`/lessons/${classLesson.slug}`} className="font-medium underline hover:no-underline">
        {classLesson.title}
      </Link>
    </p>
  );
}

function useDismiss() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestJson(`/api/classroom/messages/${encodeURIComponent(id)}/dismiss`, { method: "POST" }),
    // Gone from the corner at once; the next poll confirms.
    onMutate: (id) =>
      client.setQueryData<ClassFeed>(FEED_KEY, (feed) => feed && { ...feed, messages: feed.messages.map((message) => (message.id === id ? { ...message, dismissed: true } : message)) }),
    onSettled: () => client.invalidateQueries({ queryKey: FEED_KEY }),
  });
}

function MessageList({ messages, toggleRef }: { messages: LearnerMessage[]; toggleRef: RefObject<HTMLButtonElement | null> }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  if (messages.length === 0) return null;
  return (
    <div>
      <button
        ref={toggleRef}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((shown) => !shown)}
        className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        data-testid="messages-toggle"
      >
        Messages from the instructor ({messages.length})
      </button>
      {open && (
        // Scrolls on its own (the lesson's outline beside it is sticky); focusable so the keyboard can scroll it.
        <ol id={listId} tabIndex={0} className="mt-2 max-h-72 space-y-2 overflow-y-auto" aria-label="Messages from the instructor" data-testid="messages-list">
          {messages.map((message) => (
            <li key={message.id} className="rounded border border-slate-200 p-2 dark:border-slate-800" data-testid="messages-list-item">
              <p className="text-xs text-slate-600 dark:text-slate-400">
                {timeOf(message.sentAt)} · {message.toEveryone ? "to everyone" : "to you"}
              </p>
              <p className="whitespace-pre-line break-words" data-testid="message-text">
                {message.text}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function MessageNotices({ messages, fallbackFocus }: { messages: LearnerMessage[]; fallbackFocus: RefObject<HTMLButtonElement | null> }) {
  const dismiss = useDismiss();
  const waiting = messages.filter((message) => !message.dismissed);
  const shown = waiting.slice(0, MAX_NOTICES);
  const announcement = useNewMessageAnnouncement(waiting);
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});

  const onDismiss = (id: string) => {
    const hadFocus = document.activeElement === buttons.current[id];
    dismiss.mutate(id);
    // The button goes away with its notice: keep keyboard users near, on the next notice or the list.
    if (hadFocus) {
      const next = shown.find((message) => message.id !== id);
      requestAnimationFrame(() => (next ? buttons.current[next.id] : fallbackFocus.current)?.focus());
    }
  };

  return (
    <>
      <p role="status" aria-live="polite" className="sr-only" data-testid="message-announcement">
        {announcement}
      </p>
      {shown.length > 0 && (
        <section aria-label="New messages from the instructor" className="fixed bottom-4 right-4 z-40 w-[min(24rem,calc(100vw-2rem))] space-y-2" data-testid="message-notices">
          {shown.map((message) => (
            <div key={message.id} className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sky-950 shadow-lg dark:border-sky-700 dark:bg-sky-950 dark:text-sky-50" data-testid="message-notice">
              <div className="flex items-start justify-between gap-3">
                <p className="text-xs font-semibold">
                  Instructor, {timeOf(message.sentAt)} · {message.toEveryone ? "to everyone" : "to you"}
                </p>
                <button
                  ref={(element) => {
                    buttons.current[message.id] = element;
                  }}
                  type="button"
                  onClick={() => onDismiss(message.id)}
                  className="rounded border border-sky-400 px-2 py-1 text-xs hover:bg-sky-100 dark:border-sky-600 dark:hover:bg-sky-900"
                  aria-label={`Dismiss the message sent at ${timeOf(message.sentAt)}`}
                >
                  Dismiss
                </button>
              </div>
              <p className="mt-1 whitespace-pre-line break-words" data-testid="message-text">
                {message.text}
              </p>
            </div>
          ))}
          {waiting.length > shown.length && <p className="text-right text-xs text-slate-700 dark:text-slate-300">{waiting.length - shown.length} more in Messages</p>}
        </section>
      )}
    </>
  );
}

/** What the polite live region says: the newest message that arrived since the last poll (nothing for what was already there). */
function useNewMessageAnnouncement(waiting: LearnerMessage[]): string {
  const seen = useRef<Set<string> | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const ids = waiting.map((message) => message.id).join(",");
  useEffect(() => {
    const known = seen.current;
    seen.current = new Set([...(known ?? []), ...waiting.map((message) => message.id)]);
    if (known === null) return;
    const fresh = waiting.filter((message) => !known.has(message.id));
    if (fresh.length === 1) setAnnouncement(`New message from the instructor: ${fresh[0].text}`);
    else if (fresh.length > 1) setAnnouncement(`${fresh.length} new messages from the instructor. The newest: ${fresh[0].text}`);
    // Keyed on the ids, not on the array (a new one every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids]);
  return announcement;
}
