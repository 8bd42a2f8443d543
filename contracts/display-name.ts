import { z } from "zod";

/**
 * Display names, one rule for joining, renaming and the join form: NFC,
 * trimmed, inner spaces collapsed to one; no control characters, no invisible
 * formatting characters (text-direction overrides and isolates, zero-width
 * characters, BOM, soft hyphen...), no line or paragraph separators, no
 * unpaired surrogates, no < or >. A contract: the join form reads its limit, the
 * join and rename routes parse with the schema.
 */
export const DISPLAY_NAME_MAX_LENGTH = 60;

/** What is read at all before normalizing (a longer body is refused outright). */
const RAW_MAX_LENGTH = 4 * DISPLAY_NAME_MAX_LENGTH;
/** Combining marks in a row: enough for every script, not for "Zalgo" text that spills over the roster. */
const MAX_COMBINING_IN_A_ROW = 4;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

const KNOWN: Record<number, string> = {
  0x00ad: "SOFT HYPHEN",
  0x061c: "ARABIC LETTER MARK",
  0x180e: "MONGOLIAN VOWEL SEPARATOR",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x2028: "LINE SEPARATOR",
  0x2029: "PARAGRAPH SEPARATOR",
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2060: "WORD JOINER",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0xfeff: "BYTE ORDER MARK (ZERO WIDTH NO-BREAK SPACE)",
  0x0009: "TAB",
  0x000a: "LINE FEED",
  0x000d: "CARRIAGE RETURN",
  0x0000: "NULL",
};

function describe(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return KNOWN[code] ? `${hex} ${KNOWN[code]}` : hex;
}

const RULES: Array<{ pattern: RegExp; problem: string }> = [
  { pattern: /\p{Cc}/u, problem: "must not contain control characters such as tabs or line breaks" },
  { pattern: /[\p{Zl}\p{Zp}]/u, problem: "must not contain line or paragraph separators" },
  { pattern: /\p{Cf}/u, problem: "must not contain invisible formatting characters (text-direction overrides, zero-width characters and the like)" },
  // Only reachable through JSON escapes such as "\ud800": not a character at all.
  { pattern: /\p{Cs}/u, problem: "must not contain a broken character (an unpaired UTF-16 surrogate)" },
];

/** Checks and normalizes a display name; the message reads after the field's name ("displayName: must ..."). */
export function checkDisplayName(raw: string): NameCheck {
  if (raw.length > RAW_MAX_LENGTH) return { ok: false, message: `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters` };
  const nfc = raw.normalize("NFC");
  for (const { pattern, problem } of RULES) {
    const found = pattern.exec(nfc);
    if (found) return { ok: false, message: `${problem}; found ${describe(found[0])}. Type the name again without it` };
  }
  const name = nfc.trim().replace(/\s+/gu, " ");
  if (!name) return { ok: false, message: "is needed: the name your instructor will see" };
  if (name.length > DISPLAY_NAME_MAX_LENGTH) return { ok: false, message: `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters` };
  if (/[<>]/.test(name)) return { ok: false, message: "must not contain < or >" };
  if (new RegExp(`\\p{M}{${MAX_COMBINING_IN_A_ROW + 1},}`, "u").test(name)) {
    return { ok: false, message: `must not stack more than ${MAX_COMBINING_IN_A_ROW} accents or other marks on one letter` };
  }
  return { ok: true, name };
}

/** The one schema for a display name (join, rename). Its output is the normalized name. */
export const displayNameSchema = z.string({ error: "is needed: the name your instructor will see" }).transform((raw, ctx) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: "custom", message: checked.message });
  return z.NEVER;
});
