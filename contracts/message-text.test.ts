import { describe, expect, it } from "vitest";
import { MESSAGE_MAX_LENGTH, checkMessageText, messageTextSchema } from "./message-text";

describe("a message's text", () => {
  it("is trimmed, with line endings made \\n, and otherwise kept as typed", () => {
    expect(checkMessageText("  Take a 10 minute break \r\n")).toStrictEqual({ ok: true, text: "Take a 10 minute break" });
    expect(checkMessageText("Step 1\r\nStep 2\rStep 3")).toStrictEqual({ ok: true, text: "Step 1\nStep 2\nStep 3" });
    expect(checkMessageText("Übung 3: 🎉 👩‍💻")).toStrictEqual({ ok: true, text: "Übung 3: 🎉 👩‍💻" });
  });

  it("keeps HTML as the text it is: never stripped, escaped or interpreted here", () => {
    const html = "<b>hi</b><img src=x onerror=alert(1)> & &amp;";
    expect(checkMessageText(html)).toStrictEqual({ ok: true, text: html });
  });

  it("refuses empty and blank text", () => {
    for (const blank of ["", "   ", "\n\n", " \r\n "]) expect(checkMessageText(blank)).toStrictEqual({ ok: false, message: "is empty: write the message to send" });
  });

  it(`allows ${MESSAGE_MAX_LENGTH} characters after trimming, not one more`, () => {
    expect(checkMessageText(`  ${"a".repeat(MESSAGE_MAX_LENGTH)}  `).ok).toBe(true);
    expect(checkMessageText("a".repeat(MESSAGE_MAX_LENGTH + 1))).toStrictEqual({ ok: false, message: `is ${MESSAGE_MAX_LENGTH + 1} characters; the limit is ${MESSAGE_MAX_LENGTH}` });
    expect(checkMessageText("a".repeat(100_000)).ok).toBe(false);
  });

  it("refuses control characters other than line breaks, naming the character", () => {
    for (const [text, code] of [
      ["tab\there", "U+0009"],
      ["nul\u0000", "U+0000"],
      ["escape \u001b[31mred", "U+001B"],
      ["delete\u007f", "U+007F"],
      ["c1\u0085", "U+0085"],
    ]) {
      const checked = checkMessageText(text);
      expect(checked.ok, text).toBe(false);
      expect(!checked.ok && checked.message).toContain(code);
      expect(!checked.ok && checked.message).toContain("control characters");
    }
  });

  it("refuses characters that reorder text, and broken surrogates", () => {
    expect(checkMessageText("abc\u202edcba").ok).toBe(false);
    expect(checkMessageText("x\u2066y").ok).toBe(false);
    expect(checkMessageText("half \ud800 a pair").ok).toBe(false);
  });

  it("is the schema's rule, and the schema's output is the normalized text", () => {
    expect(messageTextSchema.parse("  hello  ")).toBe("hello");
    const refused = messageTextSchema.safeParse("   ");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].message).toBe("is empty: write the message to send");
    expect(messageTextSchema.safeParse(42).error?.issues[0].message).toBe("is needed: the message to send, as text");
  });
});
