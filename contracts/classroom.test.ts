import { describe, expect, it } from "vitest";
import { catchUpPolicySchema, DEFAULT_CATCH_UP_POLICY } from "./catch-up-policy";
import { classSettingsSchema, sendMessageSchema } from "./classroom";

describe("the catch-up policy", () => {
  it("is always, after 1 to 20 failed Checks, or never; the default is after 3", () => {
    expect(DEFAULT_CATCH_UP_POLICY).toStrictEqual({ mode: "after-failures", failures: 3 });
    expect(catchUpPolicySchema.parse({ mode: "always" })).toStrictEqual({ mode: "always" });
    expect(catchUpPolicySchema.parse({ mode: "never", failures: 3 })).toStrictEqual({ mode: "never" });
    for (const failures of [1, 3, 20]) expect(catchUpPolicySchema.parse({ mode: "after-failures", failures })).toStrictEqual({ mode: "after-failures", failures });
  });

  it("refuses other modes and numbers, saying what is allowed", () => {
    for (const bad of [{ mode: "after-failures", failures: 0 }, { mode: "after-failures", failures: 21 }, { mode: "after-failures", failures: 2.5 }, { mode: "after-failures", failures: "3" }, { mode: "after-failures" }]) {
      expect(catchUpPolicySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const unknown = catchUpPolicySchema.safeParse({ mode: "sometimes" });
    expect(unknown.error?.issues[0].message).toContain('"always"');
    expect(catchUpPolicySchema.safeParse({ mode: "after-failures", failures: 21 }).error?.issues[0].message).toBe("must be at most 20");
  });
});

describe("the instructor's message", () => {
  it("goes to everyone or to one learner by id, with checked text", () => {
    expect(sendMessageSchema.parse({ to: "everyone", text: " Break! " })).toStrictEqual({ to: "everyone", text: "Break!" });
    expect(sendMessageSchema.parse({ to: "learner", learnerId: "a1b2c3d4e5", text: "Look at cell 3" })).toStrictEqual({ to: "learner", learnerId: "a1b2c3d4e5", text: "Look at cell 3" });
  });

  it("refuses a missing recipient, a malformed learner id and bad text", () => {
    expect(sendMessageSchema.safeParse({ text: "hi" }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ to: "learner", text: "hi" }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ to: "learner", learnerId: "../x\u0000", text: "hi" }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ to: "everyone", text: "" }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ to: "everyone", text: "a\u0007" }).success).toBe(false);
  });
});

describe("the class's settings", () => {
  it("name a lesson slug or none, a catch-up policy, or both", () => {
    expect(classSettingsSchema.parse({ classLesson: "model-registry" })).toStrictEqual({ classLesson: "model-registry" });
    expect(classSettingsSchema.parse({ classLesson: null })).toStrictEqual({ classLesson: null });
    expect(classSettingsSchema.parse({ catchUp: { mode: "never" } })).toStrictEqual({ catchUp: { mode: "never" } });
  });

  it("refuse nothing to change, and slugs that cannot be lessons", () => {
    expect(classSettingsSchema.safeParse({}).error?.issues[0].message).toBe("name classLesson, catchUp or both");
    for (const slug of ["../etc/passwd", "Model Registry", "", "x".repeat(101)]) expect(classSettingsSchema.safeParse({ classLesson: slug }).success, slug).toBe(false);
  });
});
