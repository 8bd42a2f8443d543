import { describe, expect, it } from "vitest";
import { commonFailures } from "./find-common-failures";
import { attempt, check, fail, pass, platformError } from "./test-records";

const EXERCISES = [
  { id: "e1", title: "One" },
  { id: "e2", title: "Two" },
];
const failWith = (learnerId: string, exercise: string, minutes: number, checkId: string, message: string) =>
  attempt(learnerId, exercise, minutes, "failed", [check("ok", "passed"), check(checkId, "failed", message), check("later", "skipped")]);

describe("commonFailures", () => {
  it("is empty without attempts, with only passes or with only platform errors", () => {
    expect(commonFailures([], EXERCISES)).toStrictEqual([]);
    expect(commonFailures([pass("a", "e1", -1), platformError("a", "e1", -2), platformError("b", "e2", -2)], EXERCISES)).toStrictEqual([]);
  });

  it("counts failed attempts and distinct learners per check, most learners first", () => {
    const attempts = [
      // e2/metric: 1 learner, 4 attempts
      ...[-4, -3, -2, -1].map((m) => failWith("a", "e2", m, "metric", "metric `accuracy` missing")),
      // e1/param: 2 learners, 2 attempts
      failWith("a", "e1", -9, "param", "param `num_trees` missing"),
      failWith("b", "e1", -8, "param", "param `num_trees` missing"),
      // e1/tag: 2 learners, 3 attempts
      failWith("b", "e1", -7, "tag", "no tag"),
      failWith("c", "e1", -6, "tag", "no tag"),
      failWith("c", "e1", -5, "tag", "no tag"),
    ];
    expect(commonFailures(attempts, EXERCISES).map((f) => [f.exercise, f.checkId, f.learners, f.failedAttempts])).toStrictEqual([
      ["e1", "tag", 2, 3],
      ["e1", "param", 2, 2],
      ["e2", "metric", 1, 4],
    ]);
  });

  it("breaks full ties by course order, then check id", () => {
    const attempts = [fail("a", "e2", -3, "a"), fail("a", "e1", -2, "z"), fail("a", "e1", -1, "b")];
    expect(commonFailures(attempts, EXERCISES).map((f) => `${f.exercise}/${f.checkId}`)).toStrictEqual(["e1/b", "e1/z", "e2/a"]);
  });

  it("keeps the 3 most frequent messages, ties most recent first", () => {
    const messages = ["m1", "m1", "m1", "m2", "m2", "m3", "m4", "m5"];
    const attempts = messages.map((message, i) => failWith(`l${i}`, "e1", -20 + i, "metric", message));
    const [failure] = commonFailures(attempts, EXERCISES);
    expect(failure).toStrictEqual({
      exercise: "e1",
      checkId: "metric",
      title: "Check metric",
      failedAttempts: 8,
      learners: 8,
      topMessages: [
        { message: "m1", count: 3 },
        { message: "m2", count: 2 },
        { message: "m5", count: 1 },
      ],
    });
  });

  it("leaves out platform errors, failed optional checks of passed attempts, unknown exercises and repeats within one attempt", () => {
    const attempts = [
      attempt("a", "e1", -5, "error", [check("metric", "failed"), check("mlflow", "error")]),
      attempt("a", "e1", -4, "passed", [check("alias", "failed", "no @staging alias")]),
      fail("a", "retired", -3, "metric"),
      attempt("a", "e1", -2, "failed", [check("metric"), check("metric")]),
      attempt("a", "e1", -1, "failed", [check("metric")], { counted: false }),
    ];
    expect(commonFailures(attempts, EXERCISES)).toMatchObject([{ checkId: "metric", failedAttempts: 1, learners: 1 }]);
  });

  it("shows the title last seen", () => {
    const attempts = [attempt("a", "e1", -1, "failed", [check("m", "failed", "x", "New title")]), attempt("b", "e1", -9, "failed", [check("m", "failed", "x", "Old title")])];
    expect(commonFailures(attempts, EXERCISES)[0].title).toBe("New title");
  });
});
