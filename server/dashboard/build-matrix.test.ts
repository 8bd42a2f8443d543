import { describe, expect, it } from "vitest";
import { buildMatrix, sortMatrix } from "./build-matrix";
import { stuckLearners } from "./find-stuck-learners";
import { at, cellRun, fail, learner, NOW, pass, platformError } from "./test-records";

const EXERCISES = [
  { id: "e1", title: "One" },
  { id: "e2", title: "Two" },
];

describe("buildMatrix", () => {
  it("has a row per learner and a cell per exercise, even without attempts", () => {
    const rows = buildMatrix([learner("a")], [], EXERCISES, NOW);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0].cells)).toStrictEqual(["e1", "e2"]);
    expect(rows[0]).toMatchObject({ passed: 0, stuck: 0, inProgress: 0, attempts: 0, lastAttemptAt: null });
    expect(rows[0].cells.e1.state).toBe("not-started");
    expect(buildMatrix([], [pass("a", "e1", -1)], EXERCISES, NOW)).toStrictEqual([]);
  });

  it("fills the cells and the row's sortable keys, ignoring unknown exercises and learners", () => {
    const attempts = [pass("a", "e1", -30), fail("a", "e2", -3, "x"), fail("a", "e2", -2, "x"), fail("a", "e2", -1, "x"), pass("a", "gone", 0), pass("ghost", "e1", -1)];
    const [row] = buildMatrix([learner("a", -35)], attempts, EXERCISES, NOW);
    expect(row.cells.e1).toMatchObject({ state: "passed", timeToPassMs: 0 });
    expect(row.cells.e2).toMatchObject({ state: "stuck", stuckReason: "repeated-failure", attempts: 3 });
    expect(row).toMatchObject({ learnerId: "a", displayName: "A", passed: 1, stuck: 1, inProgress: 0, attempts: 4, lastAttemptAt: at(-1) });
  });

  it("marks a rule (b) learner's exercise stuck when given the stuck list", () => {
    const learners = [learner("a", -60)];
    const attempts = [fail("a", "e1", -5, "x")];
    const runs = [cellRun("a", -1)];
    expect(buildMatrix(learners, attempts, EXERCISES, NOW)[0].cells.e1.state).toBe("in-progress");
    const stuck = stuckLearners(learners, attempts, runs, NOW);
    const [row] = buildMatrix(learners, attempts, EXERCISES, NOW, {}, stuck);
    expect(row.cells.e1).toMatchObject({ state: "stuck", stuckReason: "no-progress", failingCheck: { checkId: "x" } });
    expect(row.stuck).toBe(1);
  });

  it("orders rows by name, then id", () => {
    const rows = buildMatrix([learner("2", 0, "Bob"), learner("1", 0, "Bob"), learner("3", 0, "alice")], [], EXERCISES, NOW);
    expect(rows.map((row) => row.learnerId)).toStrictEqual(["3", "1", "2"]);
  });
});

describe("sortMatrix", () => {
  const learners = [learner("a", -50, "Ann"), learner("b", -40, "Bea"), learner("c", -30, "Cy"), learner("d", -20, "Dee")];
  const attempts = [
    pass("a", "e1", -40), // 10 min after first attempt below
    fail("a", "e1", -50, "x"),
    pass("b", "e1", -30),
    pass("b", "e2", -20),
    fail("c", "e1", -10, "x"),
    platformError("d", "e1", -5),
  ];
  const rows = buildMatrix(learners, attempts, EXERCISES, NOW);
  const ids = (sorted: typeof rows) => sorted.map((row) => row.learnerId);

  it("sorts by passed, ties by name in both directions", () => {
    expect(ids(sortMatrix(rows, "passed", "desc"))).toStrictEqual(["b", "a", "c", "d"]);
    expect(ids(sortMatrix(rows, "passed", "asc"))).toStrictEqual(["c", "d", "a", "b"]);
  });

  it("sorts an exercise column from least to most done (slowest pass before fastest)", () => {
    expect(ids(sortMatrix(rows, "exercise:e1"))).toStrictEqual(["d", "c", "a", "b"]);
    expect(ids(sortMatrix(rows, "exercise:e1", "desc"))).toStrictEqual(["b", "a", "c", "d"]);
  });

  it("sorts by time and leaves the input alone", () => {
    expect(ids(sortMatrix(rows, "joinedAt", "desc"))).toStrictEqual(["d", "c", "b", "a"]);
    expect(ids(sortMatrix(rows, "lastAttemptAt", "desc"))).toStrictEqual(["c", "b", "a", "d"]);
    expect(ids(rows)).toStrictEqual(["a", "b", "c", "d"]);
  });
});
