import { describe, expect, it } from "vitest";
import { stuckLearners } from "./find-stuck-learners";
import { at, cellRun, fail, learner, NOW, pass, platformError } from "./test-records";

const E1 = "tracking-example";
const E2 = "tracking-exercise";
const E3 = "model-registry";

describe("stuckLearners", () => {
  it("finds nobody in an empty class or a class without attempts", () => {
    expect(stuckLearners([], [], [], NOW)).toStrictEqual([]);
    expect(stuckLearners([learner("a"), learner("b")], [], [cellRun("a", -1)], NOW)).toStrictEqual([]);
  });

  it("(a) reports repeated failures on one check with the check, the count and since when", () => {
    const attempts = [fail("a", E2, -12, "metric"), fail("a", E2, -8, "metric"), fail("a", E2, -2, "metric")];
    expect(stuckLearners([learner("a")], attempts, [], NOW)).toStrictEqual([
      {
        learnerId: "a",
        displayName: "A",
        exercise: E2,
        reason: "repeated-failure",
        failingCheck: { checkId: "metric", title: "Check metric", message: "metric failed" },
        failedAttempts: 3,
        since: at(-12),
        lastActivityAt: at(-2),
        alsoStuckOn: [],
      },
    ]);
  });

  it("(a) names the exercise failed last and lists the others", () => {
    const attempts = [...[-9, -8, -7].map((m) => fail("a", E1, m, "x")), ...[-6, -5, -4].map((m) => fail("a", E3, m, "y"))];
    const [entry] = stuckLearners([learner("a")], attempts, [], NOW);
    expect(entry).toMatchObject({ exercise: E3, alsoStuckOn: [E1], failingCheck: { checkId: "y" } });
  });

  it("never makes anyone stuck on platform errors, however many and however active", () => {
    const attempts = [-30, -20, -10, -5, -3, -2, -1].map((m) => platformError("a", E2, m));
    expect(stuckLearners([learner("a", -120)], attempts, [cellRun("a", -1)], NOW)).toStrictEqual([]);
  });

  it("does not flag a learner who passed then failed again", () => {
    const attempts = [pass("a", E2, -40), fail("a", E2, -3, "x"), fail("a", E2, -2, "x"), fail("a", E2, -1, "x")];
    expect(stuckLearners([learner("a", -120)], attempts, [cellRun("a", -1)], NOW)).toStrictEqual([]);
  });

  it("(b) flags an active learner with an exercise in progress and no new pass for 20 minutes", () => {
    const attempts = [pass("a", E1, -50), fail("a", E2, -30, "param"), fail("a", E2, -5, "metric")];
    expect(stuckLearners([learner("a", -60)], attempts, [cellRun("a", -1)], NOW)).toStrictEqual([
      {
        learnerId: "a",
        displayName: "A",
        exercise: E2,
        reason: "no-progress",
        failingCheck: { checkId: "metric", title: "Check metric", message: "metric failed" },
        failedAttempts: 2,
        since: at(-50),
        lastActivityAt: at(-1),
        alsoStuckOn: [],
      },
    ]);
  });

  it("(b) counts from joining when nothing was passed yet", () => {
    expect(stuckLearners([learner("a", -19)], [fail("a", E1, -2, "x")], [], NOW)).toStrictEqual([]);
    expect(stuckLearners([learner("a", -20)], [fail("a", E1, -2, "x")], [], NOW)).toMatchObject([{ reason: "no-progress", since: at(-20) }]);
  });

  it("(b) includes the edge of the no-progress span", () => {
    const attempts = (passedAt: number) => [pass("a", E1, passedAt), fail("a", E2, -1, "x")];
    expect(stuckLearners([learner("a", -90)], attempts(-20), [], NOW)).toHaveLength(1);
    expect(stuckLearners([learner("a", -90)], attempts(-19.99), [], NOW)).toHaveLength(0);
  });

  it("(b) needs activity within the last 10 minutes, boundary included, from a cell run or any attempt", () => {
    const attempts = [fail("a", E2, -40, "x")];
    expect(stuckLearners([learner("a")], attempts, [], NOW)).toStrictEqual([]);
    expect(stuckLearners([learner("a")], attempts, [cellRun("a", -10, "error")], NOW)).toHaveLength(1);
    expect(stuckLearners([learner("a")], attempts, [cellRun("a", -10.01)], NOW)).toStrictEqual([]);
    expect(stuckLearners([learner("a")], [...attempts, platformError("a", E2, -3)], [], NOW)).toMatchObject([{ reason: "no-progress", lastActivityAt: at(-3) }]);
  });

  it("(b) needs an exercise in progress: passed, not started and platform-error-only ones do not count", () => {
    const attempts = [pass("a", E1, -50), platformError("a", E2, -2)];
    expect(stuckLearners([learner("a", -60)], attempts, [cellRun("a", -1)], NOW)).toStrictEqual([]);
  });

  it("(b) picks the in-progress exercise attempted last", () => {
    const attempts = [fail("a", E3, -2, "z"), fail("a", E1, -1, "x")];
    expect(stuckLearners([learner("a")], attempts, [], NOW)).toMatchObject([{ exercise: E1, failingCheck: { checkId: "x" } }]);
  });

  it("prefers rule (a) when both apply", () => {
    const attempts = [fail("a", E2, -3, "x"), fail("a", E2, -2, "x"), fail("a", E2, -1, "x")];
    expect(stuckLearners([learner("a", -90)], attempts, [], NOW)).toMatchObject([{ reason: "repeated-failure" }]);
  });

  it("uses the options", () => {
    const attempts = [fail("a", E2, -2, "x"), fail("a", E2, -1, "x")];
    expect(stuckLearners([learner("a", -5)], attempts, [], NOW)).toStrictEqual([]);
    expect(stuckLearners([learner("a", -5)], attempts, [], NOW, { stuckFailures: 2 })).toMatchObject([{ reason: "repeated-failure" }]);
    expect(stuckLearners([learner("a", -5)], attempts, [], NOW, { noProgressMinutes: 5 })).toMatchObject([{ reason: "no-progress" }]);
  });

  it("lists the longest stuck first, ties by name, and ignores attempts of learners not in the class", () => {
    const learners = [learner("c", -30, "Cleo"), learner("b", -40, "Bea"), learner("a", -30, "Ann")];
    const attempts = ["a", "b", "c", "ghost"].map((id) => fail(id, E1, -1, "x"));
    expect(stuckLearners(learners, attempts, [], NOW).map((entry) => entry.learnerId)).toStrictEqual(["b", "a", "c"]);
  });
});
