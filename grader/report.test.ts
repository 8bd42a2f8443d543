import { describe, expect, it } from "vitest";
import { countStatuses, summarizeStatus, type CheckResult, type CheckStatus } from "./report";

const check = (status: CheckStatus, optional?: true): CheckResult => ({ id: status, title: status, status, message: "", ...(optional ? { optional } : {}) });

describe("report status", () => {
  it("is passed when every required check passed, whatever the optional ones did", () => {
    expect(summarizeStatus([check("passed"), check("failed", true)])).toBe("passed");
  });

  it("is error when nothing was checked: no checks is no pass", () => {
    expect(summarizeStatus([])).toBe("error");
  });

  it("is failed when a required check failed", () => {
    expect(summarizeStatus([check("passed"), check("failed"), check("skipped")])).toBe("failed");
  });

  it("is error when any check errored, even next to a failure (the grading is incomplete)", () => {
    expect(summarizeStatus([check("failed"), check("error"), check("skipped")])).toBe("error");
  });

  it("counts optional failures apart from required ones", () => {
    expect(countStatuses([check("passed"), check("failed"), check("failed", true), check("skipped"), check("error")])).toEqual({
      passed: 1,
      failed: 1,
      optionalFailed: 1,
      skipped: 1,
      error: 1,
    });
  });
});
