import { z } from "zod";

/**
 * The text of an instructor's message to the class: plain text, one rule for the
 * route and the dashboard's form (which imports this module for its limit, so
 * the form and the server can never disagree).
 *
 * Trimmed, line endings made `\n`; 1 to MESSAGE_MAX_LENGTH characters (UTF-16
 * units, what a form's maxLength counts). Line breaks are allowed (a short list
 * of steps); every other control character is refused, and so are the
 * characters that reorder text on screen (bidirectional overrides, isolates)
 * and unpaired surrogates. `<`, `>` and `&` are ordinary characters: a message
 * is shown as text, never as markup, so `<b>` reads as `<b>`.
 */
export const MESSAGE_MAX_LENGTH = 500;

/** What is read at all (a longer body is refused before any work). */
const RAW_MAX_LENGTH = 4 * MESSAGE_MAX_LENGTH;

export type MessageTextCheck = { ok: true; text: string } | { ok: false; message: string };

const RULES: Array<{ pattern: RegExp; problem: string }> = [
  { pattern: /[^\P{Cc}\n]/u, problem: "must not contain control characters other than line breaks (tabs, NUL, escape...)" },
  { pattern: /[\u202a-\u202e\u2066-\u2069]/u, problem: "must not contain characters that reorder text on screen (bidirectional overrides or isolates)" },
  { pattern: /\p{Cs}/u, problem: "must not contain a broken character (an unpaired UTF-16 surrogate)" },
];

function describe(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Checks and normalizes a message's text; the refusal reads after the field's name ("text: must ..."). */
export function checkMessageText(raw: string): MessageTextCheck {
  if (raw.length > RAW_MAX_LENGTH) return { ok: false, message: `is ${raw.length} characters; the limit is ${MESSAGE_MAX_LENGTH}` };
  const lines = raw.replace(/\r\n?/g, "\n").normalize("NFC");
  for (const { pattern, problem } of RULES) {
    const found = pattern.exec(lines);
    if (found) return { ok: false, message: `${problem}; found ${describe(found[0])}` };
  }
  const text = lines.trim();
  if (!text) return { ok: false, message: "is empty: write the message to send" };
  if (text.length > MESSAGE_MAX_LENGTH) return { ok: false, message: `is ${text.length} characters; the limit is ${MESSAGE_MAX_LENGTH}` };
  return { ok: true, text };
}

/** The one schema for a message's text; its output is the normalized text. */
export const messageTextSchema = z.string({ error: "is needed: the message to send, as text" }).transform((raw, ctx) => {
  const checked = checkMessageText(raw);
  if (checked.ok) return checked.text;
  ctx.addIssue({ code: "custom", message: checked.message });
  return z.NEVER;
});
