"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { RosterLearner, SentMessage } from "@/contracts/classroom";
import { MESSAGE_MAX_LENGTH } from "@/contracts/message-text";
import { requestJson } from "../request-json";
import { formatTime } from "./format";

const EVERYONE = "";

/**
 * The instructor writes to one learner or to everyone; learners see it live in their
 * lesson page. Plain text: what is typed is what they read (`<b>` included).
 */
export function ClassMessages() {
  const client = useQueryClient();
  // The same query (and cache) as the roster below on the page.
  const roster = useQuery({ queryKey: ["class"], queryFn: () => requestJson<{ classCode: string; learners: RosterLearner[] }>("/api/instructor/class"), refetchInterval: 3000 });
  const sent = useQuery({ queryKey: ["messages"], queryFn: () => requestJson<{ messages: SentMessage[] }>("/api/instructor/messages"), refetchInterval: 5000 });
  const [recipient, setRecipient] = useState(EVERYONE);
  const [text, setText] = useState("");
  const [notice, setNotice] = useState("");
  const learners = roster.data?.learners ?? [];

  const send = useMutation({
    mutationFn: () =>
      requestJson<{ message: SentMessage }>("/api/instructor/messages", { body: recipient === EVERYONE ? { to: "everyone", text } : { to: "learner", learnerId: recipient, text } }),
    onSuccess: ({ message }) => {
      setText("");
      setNotice(`Sent to ${message.recipient.to === "everyone" ? "everyone" : message.recipient.displayName}.`);
      void client.invalidateQueries({ queryKey: ["messages"] });
    },
    onError: (error) => setNotice(error.message),
  });

  return (
    <section aria-labelledby="messages-title" className="rounded-lg border border-slate-300 p-4 dark:border-slate-700">
      <h2 id="messages-title" className="text-xl font-semibold">
        Message the class
      </h2>
      <form
        className="mt-3 space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <label className="block">
          <span className="mb-1 block text-sm font-medium">To</span>
          <select
            value={recipient}
            onChange={(event) => setRecipient(event.target.value)}
            className="w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
            data-testid="message-recipient"
          >
            <option value={EVERYONE}>Everyone</option>
            {learners.map((learner) => (
              <option key={learner.id} value={learner.id}>
                {learner.displayName}
              </option>
            ))}
          </select>
        </label>
        <div>
          <label className="block">
            <span className="mb-1 block text-sm font-medium">Message</span>
            <textarea
              value={text}
              onChange={(event) => setText(event.target.value)}
              required
              rows={3}
              maxLength={MESSAGE_MAX_LENGTH}
              aria-describedby="message-hint"
              className="w-full rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
              data-testid="message-text-input"
            />
          </label>
          <p id="message-hint" className="text-xs text-slate-600 dark:text-slate-400">
            Plain text, up to {MESSAGE_MAX_LENGTH} characters ({text.length} used). Learners see it at once in their lesson page and can dismiss it.
          </p>
        </div>
        <button type="submit" disabled={send.isPending} className="rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
          Send
        </button>
      </form>
      <p role="status" aria-live="polite" className="mt-2 text-sm" data-testid="message-send-status">
        {notice}
      </p>
      <h3 className="mt-4 font-semibold">Sent</h3>
      {(sent.data?.messages.length ?? 0) === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No messages yet.</p>
      ) : (
        <ol className="mt-2 max-h-64 space-y-2 overflow-y-auto text-sm" data-testid="sent-messages">
          {sent.data?.messages.map((message) => (
            <li key={message.id} className="rounded border border-slate-200 p-2 dark:border-slate-800">
              <p className="text-xs text-slate-600 dark:text-slate-400">
                {formatTime(message.sentAt)} · to {message.recipient.to === "everyone" ? "everyone" : message.recipient.displayName} · dismissed by {message.dismissals}
              </p>
              <p className="whitespace-pre-line break-words">{message.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
