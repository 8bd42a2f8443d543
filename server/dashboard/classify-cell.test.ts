import { describe, expect, it } from "vitest";
import { matrixCell, repeatedFailure } from "./classify-cell";
import { DASHBOARD_DEFAULTS, dashboardOptions } from "./dashboard-options";
import { at, attempt, caughtUp, check, fail, NOW, pass, platformError } from "./test-records";

const EX = "tracking-exercise";

describe("matrixCell", () => {
  it("is not started without attempts", () => {
    expect(matrixCell([], NOW)).toStrictEqual({
      state: "not-started",
      attempts: 0,
      attemptsToPass: null,
      platformErrors: 0,
      caughtUpAt: null,
      firstAttemptAt: null,
      startedAt: null,
      firstPassedAt: null,
      timeToPassMs: null,
      lastAttemptAt: null,
    });
  });

  it("is caught up after a catch-up, with or without failed Checks before, and never stuck", () => {
    const made = caughtUp("ann", EX, -1);
    expect(matrixCell([made], NOW)).toMatchObject({ state: "caught-up", attempts: 0, platformErrors: 0, caughtUpAt: at(-1), attemptsToPass: null });
    const failures = [fail("ann", EX, -8, "c1"), fail("ann", EX, -6, "c1"), fail("ann", EX, -4, "c1"), fail("ann", EX, -3, "c1")];
    expect(matrixCell(failures, NOW).state).toBe("stuck");
    expect(matrixCell([...failures, made], NOW)).toMatchObject({ state: "caught-up", attempts: 4, caughtUpAt: at(-1) });
  });

  it("is passed when the learner passes on their own after a catch-up", () => {
    expect(matrixCell([caughtUp("ann", EX, -10), pass("ann", EX, -1)], NOW)).toMatchObject({ state: "passed", attempts: 1, attemptsToPass: 1, caughtUpAt: at(-10) });
  });

  it("is not started, and never stuck, with only platform errors", () => {
    const errors = [0, -1, -2, -3, -4].map((m) => platformError("a", EX, m));
    const cell = matrixCell(errors, NOW);
    expect(cell).toMatchObject({ state: "not-started", attempts: 0, platformErrors: 5, lastAttemptAt: null });
    expect(cell.failingCheck).toBeUndefined();
    expect(repeatedFailure(errors, NOW)).toBeNull();
  });

  it("does not count an error attempt even if it were stored as counted", () => {
    const cell = matrixCell([attempt("a", EX, -1, "error", [check("mlflow", "error")], { counted: true })], NOW);
    expect(cell).toMatchObject({ state: "not-started", attempts: 0, platformErrors: 1 });
  });

  it("is in progress after a failure, showing the first failed check of the last attempt", () => {
    const cell = matrixCell([fail("a", EX, -10, "param"), fail("a", EX, -5, "metric", "model"), platformError("a", EX, -1)], NOW);
    expect(cell).toMatchObject({ state: "in-progress", attempts: 2, platformErrors: 1, firstAttemptAt: at(-10), lastAttemptAt: at(-5), timeToPassMs: null });
    expect(cell.failingCheck).toStrictEqual({ checkId: "metric", title: "Check metric", message: "metric failed" });
  });

  it("stays passed when the learner fails again; time to pass runs from the first counted attempt to the first pass", () => {
    const history = [platformError("a", EX, -40), fail("a", EX, -30, "x"), fail("a", EX, -25, "x"), pass("a", EX, -20), fail("a", EX, -3, "x"), fail("a", EX, -2, "x"), fail("a", EX, -1, "x")];
    const cell = matrixCell(history, NOW);
    expect(cell).toMatchObject({
      state: "passed",
      attempts: 6,
      attemptsToPass: 3,
      platformErrors: 1,
      firstAttemptAt: at(-30),
      firstPassedAt: at(-20),
      timeToPassMs: 10 * 60_000,
      lastAttemptAt: at(-1),
    });
    expect(cell.failingCheck).toBeUndefined();
    expect(cell.stuckReason).toBeUndefined();
  });

  it("without a recorded start, has a time to pass of 0 when the first Check passes, and keeps the first of two passes", () => {
    expect(matrixCell([pass("a", EX, -5), pass("a", EX, -1)], NOW)).toMatchObject({ state: "passed", timeToPassMs: 0, attemptsToPass: 1, firstPassedAt: at(-5) });
  });

  it("starts the clock when the learner started the exercise (opened its lesson, ran a cell), not at the first Check", () => {
    const passedFirstTime = matrixCell([pass("a", EX, -5)], NOW, {}, at(-17));
    expect(passedFirstTime).toMatchObject({ state: "passed", attemptsToPass: 1, startedAt: at(-17), firstAttemptAt: at(-5), timeToPassMs: 12 * 60_000 });
    // A Check from the command line before the lesson was ever opened: the clock starts at that Check.
    expect(matrixCell([fail("a", EX, -30, "x"), pass("a", EX, -20)], NOW, {}, at(-25))).toMatchObject({ startedAt: at(-30), timeToPassMs: 10 * 60_000 });
    // Started, not yet checked: still not started as far as the matrix goes, with the clock running.
    expect(matrixCell([], NOW, {}, at(-3))).toMatchObject({ state: "not-started", startedAt: at(-3), timeToPassMs: null });
  });

  it("does not depend on the order the attempts arrive in", () => {
    const history = [fail("a", EX, -30, "x"), pass("a", EX, -20), fail("a", EX, -10, "x"), fail("a", EX, -25, "y")];
    const reversed = [...history].reverse();
    expect(matrixCell(reversed, NOW)).toStrictEqual(matrixCell(history, NOW));
    expect(matrixCell(reversed, NOW).timeToPassMs).toBe(10 * 60_000);
  });

  it("is stuck after 3 failed attempts on the same check within 15 minutes", () => {
    const cell = matrixCell([fail("a", EX, -14, "metric"), fail("a", EX, -9, "param", "metric"), fail("a", EX, -1, "metric")], NOW);
    expect(cell).toMatchObject({ state: "stuck", stuckReason: "repeated-failure", attempts: 3 });
    expect(cell.failingCheck?.checkId).toBe("metric");
  });

  it("is only in progress when the 3 failures are on different checks", () => {
    expect(matrixCell([fail("a", EX, -3, "a"), fail("a", EX, -2, "b"), fail("a", EX, -1, "c")], NOW).state).toBe("in-progress");
  });

  it("counts a check that appears twice in one attempt once", () => {
    const twice = () => attempt("a", EX, -1, "failed", [check("x"), check("x")]);
    expect(matrixCell([twice(), twice()], NOW).state).toBe("in-progress");
  });

  it("is not stuck when a pass came between the failures", () => {
    const history = [fail("a", EX, -12, "x"), pass("a", EX, -11), fail("a", EX, -10, "x"), fail("a", EX, -9, "x"), fail("a", EX, -8, "x")];
    expect(matrixCell(history, NOW).state).toBe("passed");
  });
});

describe("repeatedFailure: the window's edges", () => {
  const windowMs = DASHBOARD_DEFAULTS.stuckWindowMinutes * 60_000;

  it("counts a failure exactly at the start of the window", () => {
    const history = [attempt("a", EX, -15, "failed", [check("x")]), fail("a", EX, -5, "x"), fail("a", EX, -1, "x")];
    expect(new Date(history[0].startedAt).getTime()).toBe(NOW.getTime() - windowMs);
    expect(repeatedFailure(history, NOW)).toMatchObject({ failedAttempts: 3, firstFailedAt: at(-15), lastFailedAt: at(-1) });
  });

  it("leaves out a failure one millisecond before the window", () => {
    const early = attempt("a", EX, -15, "failed", [check("x")], { startedAt: at(-15, -1) });
    expect(repeatedFailure([early, fail("a", EX, -5, "x"), fail("a", EX, -1, "x")], NOW)).toBeNull();
  });

  it("counts attempts stamped after now (clock skew between app instances)", () => {
    expect(repeatedFailure([fail("a", EX, -2, "x"), fail("a", EX, -1, "x"), fail("a", EX, 0.5, "x")], NOW)?.failedAttempts).toBe(3);
  });

  it("stops being stuck once the failures age out of the window", () => {
    const history = [fail("a", EX, -14, "x"), fail("a", EX, -13, "x"), fail("a", EX, -12, "x")];
    expect(repeatedFailure(history, NOW)).not.toBeNull();
    expect(repeatedFailure(history, new Date(NOW.getTime() + 2 * 60_000))).toBeNull();
  });

  it("takes its thresholds from the options", () => {
    const history = [fail("a", EX, -20, "x"), fail("a", EX, -1, "x")];
    expect(repeatedFailure(history, NOW)).toBeNull();
    expect(repeatedFailure(history, NOW, { stuckFailures: 2 })).toBeNull();
    expect(repeatedFailure(history, NOW, { stuckFailures: 2, stuckWindowMinutes: 30 })?.failedAttempts).toBe(2);
  });

  it("breaks ties: most failures, then the check that failed last, then by id", () => {
    const more = [fail("a", EX, -5, "b", "a"), fail("a", EX, -4, "b", "a"), fail("a", EX, -3, "b", "a"), fail("a", EX, -2, "b")];
    expect(repeatedFailure(more, NOW)?.check.checkId).toBe("b");
    const later = [fail("a", EX, -5, "b", "a"), fail("a", EX, -4, "b", "a"), fail("a", EX, -3, "b", "a"), fail("a", EX, -2, "a"), fail("a", EX, -1, "b")];
    expect(repeatedFailure(later, NOW)?.check.checkId).toBe("b");
    const same = [fail("a", EX, -3, "b", "a"), fail("a", EX, -2, "b", "a"), fail("a", EX, -1, "b", "a")];
    expect(repeatedFailure(same, NOW)?.check.checkId).toBe("a");
  });

  it("reports the check's latest message", () => {
    const history = [1, 2, 3].map((n) => attempt("a", EX, -10 + n, "failed", [check("metric", "failed", `message ${n}`)]));
    expect(repeatedFailure(history, NOW)?.check.message).toBe("message 3");
  });
});

describe("dashboardOptions", () => {
  it("fills defaults and refuses nonsense", () => {
    expect(dashboardOptions()).toStrictEqual({ stuckFailures: 3, stuckWindowMinutes: 15, activeWindowMinutes: 10, noProgressMinutes: 20 });
    expect(dashboardOptions({ noProgressMinutes: 5 }).noProgressMinutes).toBe(5);
    expect(() => dashboardOptions({ stuckFailures: 0 })).toThrow(RangeError);
    expect(() => dashboardOptions({ stuckWindowMinutes: Number.NaN })).toThrow(RangeError);
  });
});
