import { describe, expect, it } from "vitest";
import { buildMatrix } from "./build-matrix";
import { exerciseSummaries, median } from "./summarize-exercises";
import { fail, learner, NOW, pass, platformError } from "./test-records";

const EXERCISES = [
  { id: "e1", title: "One" },
  { id: "e2", title: "Two" },
];

describe("median", () => {
  it("handles empty, odd and even lists", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("exerciseSummaries", () => {
  it("is all nulls and zeros for an empty class", () => {
    expect(exerciseSummaries([], EXERCISES)).toStrictEqual(
      EXERCISES.map((exercise) => ({
        exercise: exercise.id,
        title: exercise.title,
        learners: 0,
        started: 0,
        passed: 0,
        stuck: 0,
        inProgress: 0,
        caughtUp: 0,
        notStarted: 0,
        passRateOfStarted: null,
        passRateOfAll: null,
        medianTimeToPassMs: null,
        medianAttemptsToPass: null,
      })),
    );
  });

  it("gives pass rates of those who started and of all, and the median time to pass", () => {
    const learners = ["a", "b", "c", "d", "e"].map((id) => learner(id));
    const attempts = [
      fail("a", "e1", -40, "x"),
      pass("a", "e1", -30), // 10 min, 2 attempts
      pass("b", "e1", -20), // 0 min, 1 attempt
      fail("c", "e1", -50, "x"),
      fail("c", "e1", -45, "x"),
      pass("c", "e1", -20), // 30 min, 3 attempts
      fail("c", "e1", -1, "x"), // after the pass: c stays passed
      fail("d", "e1", -5, "x"), // in progress
      platformError("e", "e1", -2), // platform errors only: not started
    ];
    const [e1, e2] = exerciseSummaries(buildMatrix(learners, attempts, EXERCISES, NOW), EXERCISES);
    expect(e1).toStrictEqual({
      exercise: "e1",
      title: "One",
      learners: 5,
      started: 4,
      passed: 3,
      stuck: 0,
      inProgress: 1,
      caughtUp: 0,
      notStarted: 1,
      passRateOfStarted: 0.75,
      passRateOfAll: 0.6,
      medianTimeToPassMs: 10 * 60_000,
      medianAttemptsToPass: 2,
    });
    expect(e2).toMatchObject({ started: 0, notStarted: 5, passRateOfStarted: null, passRateOfAll: 0, medianTimeToPassMs: null });
  });

  it("counts stuck learners as started, not passed", () => {
    const attempts = [fail("a", "e1", -3, "x"), fail("a", "e1", -2, "x"), fail("a", "e1", -1, "x")];
    const [e1] = exerciseSummaries(buildMatrix([learner("a")], attempts, EXERCISES, NOW), EXERCISES);
    expect(e1).toMatchObject({ started: 1, stuck: 1, passed: 0, passRateOfStarted: 0, passRateOfAll: 0 });
  });
});
