import { describe, expect, it } from "vitest";
import { CLASS_CODE_ALPHABET, CLASS_CODE_EXAMPLE, CLASS_CODE_INPUT_MAX_LENGTH, CLASS_CODE_LENGTH, formatClassCode, isCurrentClassCode, normalizeClassCode } from "@/contracts/class-code";
import { joinSchema } from "@/contracts/session-requests";
import { readableSecret } from "./passwords";

describe("class codes", () => {
  it("are 10 characters of a 32-letter alphabet without look-alikes: about 1.1e15 codes", () => {
    expect(CLASS_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CLASS_CODE_ALPHABET).size).toBe(32);
    expect(CLASS_CODE_ALPHABET).not.toMatch(/[01IO]/);
    expect(CLASS_CODE_LENGTH).toBe(10);
    expect(32 ** CLASS_CODE_LENGTH).toBeGreaterThan(1.1e15);
    const code = readableSecret(CLASS_CODE_LENGTH);
    expect(isCurrentClassCode(code)).toBe(true);
  });

  it("are shown in two groups of five", () => {
    expect(formatClassCode("K7PQR2MZXA")).toBe("K7PQR-2MZXA");
    expect(formatClassCode("k7pqr-2mzxa")).toBe("K7PQR-2MZXA");
    expect(CLASS_CODE_EXAMPLE).toMatch(/^[A-Z]{5}-[A-Z]{5}$/);
    expect(CLASS_CODE_INPUT_MAX_LENGTH).toBeGreaterThanOrEqual(formatClassCode("K7PQR2MZXA").length);
    // An older, shorter code is shown as it is.
    expect(formatClassCode("ABC234")).toBe("ABC234");
  });

  it.each(["K7PQR-2MZXA", "k7pqr-2mzxa", "K7PQR2MZXA", " k7pqr 2mzxa ", "K7PQR – 2MZXA", "ｋ７ｐｑｒ－２ｍｚｘａ", "K7P.QR_2MZ-XA"])("accepts %j as K7PQR2MZXA", (typed) => {
    expect(normalizeClassCode(typed)).toBe("K7PQR2MZXA");
    expect(joinSchema.parse({ classCode: typed, displayName: "Ada" }).classCode).toBe("K7PQR2MZXA");
  });

  it("knows the current kind from older or malformed ones", () => {
    expect(isCurrentClassCode("K7PQR2MZXA")).toBe(true);
    expect(isCurrentClassCode("ABC234")).toBe(false);
    expect(isCurrentClassCode("K7PQR2MZX0")).toBe(false);
    expect(isCurrentClassCode("K7PQR2MZXAB")).toBe(false);
  });

  it("leaves a malformed code to the wrong-code count, but refuses an empty or huge one", () => {
    expect(joinSchema.parse({ classCode: "WRONG-CODE-X", displayName: "Ada" }).classCode).toBe("WRONGCODEX");
    expect(joinSchema.safeParse({ classCode: " - ", displayName: "Ada" }).error?.issues[0].message).toBe("is the code your instructor gave you");
    expect(joinSchema.safeParse({ classCode: "A".repeat(CLASS_CODE_INPUT_MAX_LENGTH + 1), displayName: "Ada" }).success).toBe(false);
  });
});
