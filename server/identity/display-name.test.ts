import { describe, expect, it } from "vitest";
import { checkDisplayName, DISPLAY_NAME_MAX_LENGTH, displayNameSchema } from "@/contracts/display-name";
import { displayNameKey, nameTakenMessage } from "./display-name";

const refused = (raw: string) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) throw new Error(`${JSON.stringify(raw)} was accepted as ${JSON.stringify(checked.name)}`);
  return checked.message;
};

describe("display names", () => {
  it("are NFC-normalized, trimmed, with inner spaces collapsed", () => {
    expect(checkDisplayName("  Ada   Lovelace ")).toStrictEqual({ ok: true, name: "Ada Lovelace" });
    expect(checkDisplayName("Jose\u0301")).toStrictEqual({ ok: true, name: "Jos\u00e9" });
    expect(checkDisplayName("Ada\u00a0\u3000Lovelace")).toStrictEqual({ ok: true, name: "Ada Lovelace" });
    expect(checkDisplayName("Zoë O'Brien-Łukasz 李雷 محمد")).toStrictEqual({ ok: true, name: "Zoë O'Brien-Łukasz 李雷 محمد" });
    expect(checkDisplayName("👩🏽‍🔬".replace("\u200d", "") + " Ada")).toMatchObject({ ok: true });
  });

  it.each([
    ["Alice\u202Egnp.exe", "invisible formatting characters", "U+202E RIGHT-TO-LEFT OVERRIDE"],
    ["Al\u200Bice", "invisible formatting characters", "U+200B ZERO WIDTH SPACE"],
    ["\uFEFFAlice", "invisible formatting characters", "U+FEFF BYTE ORDER MARK"],
    ["Alice\u2066x\u2069", "invisible formatting characters", "U+2066 LEFT-TO-RIGHT ISOLATE"],
    ["Ali\u00ADce", "invisible formatting characters", "U+00AD SOFT HYPHEN"],
    ["Alice\u0007", "control characters", "U+0007"],
    ["Alice\tB", "control characters", "U+0009 TAB"],
    ["Alice\nAdmin", "control characters", "U+000A LINE FEED"],
    ["Alice\u0085", "control characters", "U+0085"],
    ["Alice\u2028B", "line or paragraph separators", "U+2028 LINE SEPARATOR"],
    ["Alice\u2029B", "line or paragraph separators", "U+2029 PARAGRAPH SEPARATOR"],
    ["Alice\ud800", "unpaired UTF-16 surrogate", "U+D800"],
  ])("refuses %j, naming the problem", (raw, problem, found) => {
    const message = refused(raw);
    expect(message).toContain(problem);
    expect(message).toContain(`found ${found}`);
  });

  it("refuses empty, too long, markup and piled-up marks", () => {
    expect(refused("   ")).toBe("is needed: the name your instructor will see");
    expect(refused("")).toBe("is needed: the name your instructor will see");
    expect(checkDisplayName("x".repeat(DISPLAY_NAME_MAX_LENGTH))).toMatchObject({ ok: true });
    expect(refused("x".repeat(DISPLAY_NAME_MAX_LENGTH + 1))).toBe(`must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`);
    expect(refused("x".repeat(10_000))).toBe(`must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`);
    // Spaces that collapse do not count against the limit.
    expect(checkDisplayName(`${"x".repeat(30)}${" ".repeat(40)}${"y".repeat(29)}`)).toMatchObject({ ok: true });
    expect(refused("<b>Alice</b>")).toBe("must not contain < or >");
    expect(refused("Z\u0300\u0301\u0302\u0303\u0304algo")).toContain("accents");
    expect(checkDisplayName("Nguy\u1ec5n")).toMatchObject({ ok: true });
  });

  it("compares names NFKC and case-folded, so 'alice', 'ALICE' and 'ＡＬＩＣＥ' collide", () => {
    const alice = displayNameKey("Alice");
    expect(displayNameKey("alice")).toBe(alice);
    expect(displayNameKey("ALICE")).toBe(alice);
    expect(displayNameKey("ａｌｉｃｅ")).toBe(alice);
    expect(displayNameKey("ＡＬＩＣＥ")).toBe(alice);
    expect(displayNameKey("Stra\u00dfe")).toBe(displayNameKey("STRASSE"));
    expect(displayNameKey("\ufb01fi")).toBe(displayNameKey("FIFI"));
    expect(displayNameKey("Alice B.")).not.toBe(alice);
    expect(displayNameKey("Alicé")).not.toBe(alice);
  });

  it("is one schema whose output is the normalized name and whose messages read after the field", () => {
    expect(displayNameSchema.parse("  Grace   Hopper ")).toBe("Grace Hopper");
    const failed = displayNameSchema.safeParse("Bob\u202E");
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0].message).toMatch(/^must not contain invisible formatting characters/);
    expect(displayNameSchema.safeParse(42).error?.issues[0].message).toBe("is needed: the name your instructor will see");
  });

  it("says whose name it is and how to tell the two apart", () => {
    expect(nameTakenMessage("Alice", "alice")).toMatch(/^Someone in this class already uses the name "Alice"; add an initial, e\.g\. "alice B\."/);
  });
});
